package dev.capmesh.compiler.model;

import static java.util.Objects.requireNonNull;

import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.Worker;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model of a config before resolution.
 *
 * @param config services and sockets as written ({@code inherit} not yet applied)
 * @param spans where each model object was written
 * @param workerConsts every top-level {@code Worker} constant of the main file by name, in
 *     declaration order; a service written as {@code worker = .name} holds the same instance
 */
public record BuiltModel(Config config, ModelSpans spans, Map<String, Worker> workerConsts) {
  public BuiltModel {
    requireNonNull(config, "config");
    requireNonNull(spans, "spans");
    workerConsts = Collections.unmodifiableMap(new LinkedHashMap<>(workerConsts));
  }
}
