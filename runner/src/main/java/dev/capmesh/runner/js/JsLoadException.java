package dev.capmesh.runner.js;

/** A worker's code could not be loaded: a syntax error, a missing module, a throwing top level. */
public final class JsLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  JsLoadException(String message) {
    super(message);
  }
}
