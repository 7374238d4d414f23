package dev.capmesh.schema.model;

/**
 * A named service: a worker, a network, an external server, a directory, a KV namespace, a
 * storage bucket, or one of workerd's other kinds.
 *
 * @param name unique name that designators refer to
 * @param kind what the service is
 */
public record Service(String name, ServiceKind kind) {
  public Service {
    Checks.nonNull(name, "name");
    Checks.nonNull(kind, "kind");
  }
}
