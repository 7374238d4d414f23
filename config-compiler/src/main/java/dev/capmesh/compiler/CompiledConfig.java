package dev.capmesh.compiler;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.model.ModelSpans;
import dev.capmesh.schema.model.Config;
import java.util.List;

/**
 * A config that compiled: the evaluated value tree, the resolved model the runner executes, and
 * the Cap'n Proto binary of the config as written.
 *
 * @param parsed the evaluated config (before resolution)
 * @param config the resolved model: derived workers flattened, unfilled optional parameters gone
 * @param spans where each model object was written
 * @param binary the unpacked Cap'n Proto message of the {@code Config} constant
 * @param warnings problems that did not stop the compile
 * @param abstractServices names of the worker services that are only inheritance bases (their
 *     worker leaves a non-optional parameter unfilled), in declaration order; they are not in
 *     {@code config}, since nothing may invoke them and the runner does not start them
 */
public record CompiledConfig(ParsedConfig parsed, Config config, ModelSpans spans, byte[] binary,
    List<Diagnostic> warnings, List<String> abstractServices) {

  public CompiledConfig {
    requireNonNull(parsed, "parsed");
    requireNonNull(config, "config");
    requireNonNull(spans, "spans");
    binary = requireNonNull(binary, "binary").clone();
    warnings = List.copyOf(warnings);
    abstractServices = List.copyOf(abstractServices);
  }

  /** A copy of the binary message. */
  @Override
  public byte[] binary() {
    return binary.clone();
  }
}
