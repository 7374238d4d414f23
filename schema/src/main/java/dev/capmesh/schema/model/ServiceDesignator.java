package dev.capmesh.schema.model;

import java.util.Optional;

/**
 * A reference to a service, optionally to a named entrypoint of a worker, with optional props.
 *
 * @param name the service's name
 * @param entrypoint a named export of the worker; empty means the default export
 * @param propsJson JSON text passed to the entrypoint as {@code ctx.props}
 */
public record ServiceDesignator(String name, Optional<String> entrypoint, Optional<String> propsJson) {
  public ServiceDesignator {
    Checks.nonNull(name, "name");
    Checks.opt(entrypoint, "entrypoint");
    Checks.opt(propsJson, "propsJson");
  }

  /** The default entrypoint of service {@code name}, no props. */
  public static ServiceDesignator of(String name) {
    return new ServiceDesignator(name, Optional.empty(), Optional.empty());
  }

  @Override
  public String toString() {
    return entrypoint.map(e -> name + "#" + e).orElse(name);
  }
}
