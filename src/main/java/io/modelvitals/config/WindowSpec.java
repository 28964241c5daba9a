package io.modelvitals.config;

import java.io.Serializable;

/** Event-time windows of a model: tumbling when slide equals size (the default), else sliding. */
public class WindowSpec implements Serializable {
    public String size;
    public String slide;

    public WindowSpec() {}

    public WindowSpec(String size, String slide) {
        this.size = size;
        this.slide = slide;
    }
}
