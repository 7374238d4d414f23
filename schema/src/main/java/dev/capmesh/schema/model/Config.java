package dev.capmesh.schema.model;

import java.util.List;
import java.util.Optional;

/**
 * A whole config: the services, the sockets that expose them, and process-wide settings.
 *
 * @param services every service, in declaration order
 * @param sockets every socket, in declaration order
 * @param v8Flags workerd's {@code v8Flags}; capmesh runs GraalJS and ignores them
 * @param extensions extension modules available to every worker
 * @param autogates workerd's autogates (ignored by capmesh)
 * @param structuredLogging whether logs are JSON lines
 */
public record Config(
    List<Service> services,
    List<Socket> sockets,
    List<String> v8Flags,
    List<Extension> extensions,
    List<String> autogates,
    boolean structuredLogging) {

  public Config {
    services = Checks.list(services, "services");
    sockets = Checks.list(sockets, "sockets");
    v8Flags = Checks.list(v8Flags, "v8Flags");
    extensions = Checks.list(extensions, "extensions");
    autogates = Checks.list(autogates, "autogates");
  }

  /** A config with only services and sockets. */
  public static Config of(List<Service> services, List<Socket> sockets) {
    return new Config(services, sockets, List.of(), List.of(), List.of(), false);
  }

  /** The first service called {@code name}. */
  public Optional<Service> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The same config with other services. */
  public Config withServices(List<Service> newServices) {
    return new Config(newServices, sockets, v8Flags, extensions, autogates, structuredLogging);
  }

  /**
   * A set of extension modules.
   *
   * @param modules the modules
   */
  public record Extension(List<ExtensionModule> modules) {
    public Extension {
      modules = Checks.list(modules, "modules");
    }
  }

  /**
   * One extension module.
   *
   * @param name import specifier
   * @param internal whether only other extension modules may import it
   * @param esModule its source text
   */
  public record ExtensionModule(String name, boolean internal, String esModule) {
    public ExtensionModule {
      Checks.nonNull(name, "name");
      Checks.nonNull(esModule, "esModule");
    }
  }
}
