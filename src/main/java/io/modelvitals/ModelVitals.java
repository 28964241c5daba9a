package io.modelvitals;
public class ModelVitals { public static void main(String[] a) { System.out.println("hi"); } }
