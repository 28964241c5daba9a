package io.modelvitals.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of one model, as sent on the control topic: {@code {"model": "recommender", "rules": [...]}},
 * the rules in the same form as in the spec. It replaces that model's rules until the next one;
 * {@code "model": "*"} sets the rules of undeclared models.
 */
public class RuleSet implements Serializable {
    public String model;
    public List<RuleSpec> rules = new ArrayList<>();

    public RuleSet() {}
}
