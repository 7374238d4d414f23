package dev.capmesh.compiler;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.ast.FileAst;
import dev.capmesh.compiler.encode.MessageEncoder;
import dev.capmesh.compiler.eval.Compilation;
import dev.capmesh.compiler.eval.MainFile;
import dev.capmesh.compiler.eval.StructValue;
import dev.capmesh.compiler.parser.Parser;
import dev.capmesh.compiler.source.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The config compiler's entry point: parses and evaluates a Cap'n Proto config file against the
 * built-in schema, resolves it into the typed model and encodes it as a binary message.
 *
 * <p>Immutable and thread-safe; each call compiles independently. The built-in schema is parsed
 * once per instance.
 */
public final class ConfigCompiler {
  /** Import path of capmesh's schema. */
  public static final String CAPMESH_IMPORT = "/capmesh/capmesh.capnp";
  /** Import path under which unchanged workerd configs find the same schema. */
  public static final String WORKERD_IMPORT = "/workerd/workerd.capnp";
  /** Import path of the C++ annotations some schema files use. */
  public static final String CXX_IMPORT = "/capnp/c++.capnp";

  private final Map<String, FileAst> builtins;
  private final List<Path> importPaths;

  private ConfigCompiler(Map<String, FileAst> builtins, List<Path> importPaths) {
    this.builtins = builtins;
    this.importPaths = List.copyOf(importPaths);
  }

  /** A compiler with the built-in import paths {@code /workerd/workerd.capnp} and {@code /capmesh/capmesh.capnp}. */
  public static ConfigCompiler create() {
    return create(List.of());
  }

  /** Like {@link #create()}, also searching {@code importPaths} for other absolute imports. */
  public static ConfigCompiler create(List<Path> importPaths) {
    var diagnostics = new Diagnostics();
    FileAst schema = Parser.parse(Source.of(CAPMESH_IMPORT, resource("/capmesh/capmesh.capnp")), diagnostics);
    FileAst cxx = Parser.parse(Source.of(CXX_IMPORT, resource("/dev/capmesh/compiler/cxx.capnp")), diagnostics);
    if (diagnostics.hasErrors()) {
      throw new IllegalStateException("built-in schema does not parse: " + diagnostics.all());
    }
    var builtins = new LinkedHashMap<String, FileAst>();
    builtins.put(CAPMESH_IMPORT, schema);
    builtins.put(WORKERD_IMPORT, schema);
    builtins.put(CXX_IMPORT, cxx);
    return new ConfigCompiler(builtins, importPaths);
  }

  private static String resource(String name) {
    try (InputStream in = ConfigCompiler.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " (broken build?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of the built-in schema, as served at {@link #CAPMESH_IMPORT}. */
  public String schemaText() {
    return builtins.get(CAPMESH_IMPORT).source().text();
  }

  /**
   * Parses and evaluates {@code file} and picks its {@code Config} constant: {@code constName}
   * if given, else the only top-level constant of type {@code Config}.
   *
   * @throws ConfigException with every problem found
   * @throws IOException if the file itself cannot be read
   */
  public ParsedConfig parse(Path file, @Nullable String constName) throws ConfigException, IOException {
    requireNonNull(file, "file");
    byte[] bytes = Files.readAllBytes(file);
    Path dir = file.toAbsolutePath().normalize().getParent();
    return parse(Source.of(file.toString(), decode(file, bytes)), dir, constName);
  }

  private static String decode(Path file, byte[] bytes) throws IOException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IOException(file + " is not UTF-8 text (is it a binary config? Cap'n Proto text configs are UTF-8)");
    }
  }

  /**
   * Like {@link #parse(Path, String)} for text already in memory; imports and embeds resolve
   * relative to {@code directory}.
   */
  public ParsedConfig parse(Source source, Path directory, @Nullable String constName)
      throws ConfigException {
    var diagnostics = new Diagnostics();
    var compilation = new Compilation(builtins, importPaths, diagnostics);
    MainFile main = compilation.loadMain(source, directory);
    List<MainFile.Constant> constants = main.evaluateAll();

    var consts = new LinkedHashMap<String, ParsedConfig.Constant>();
    var configs = new ArrayList<MainFile.Constant>();
    for (MainFile.Constant c : constants) {
      if (c.type() != null && c.value() != null) {
        consts.put(c.name(), new ParsedConfig.Constant(c.name(), c.type(), c.value(), c.span()));
      }
      if (main.isConfigType(c.type())) {
        configs.add(c);
      }
    }
    MainFile.Constant chosen = choose(source, constName, constants, configs, diagnostics);
    diagnostics.throwIfErrors();
    return new ParsedConfig(source, chosen.name(), (StructValue) chosen.value(), consts);
  }

  private static MainFile.@Nullable Constant choose(Source source, @Nullable String constName,
      List<MainFile.Constant> constants, List<MainFile.Constant> configs, Diagnostics diagnostics) {
    var fileStart = source.span(0, 0);
    if (constName != null) {
      for (MainFile.Constant c : constants) {
        if (c.name().equals(constName)) {
          if (!configs.contains(c) && c.type() != null) {
            diagnostics.error(c.span(), "Constant '" + constName + "' has type "
                + c.type().displayName() + ", not Config.");
          }
          return c;
        }
      }
      diagnostics.error(fileStart, "No constant named '" + constName + "' in " + source.path() + ".",
          Suggestions.didYouMean(constName, configs.stream().map(MainFile.Constant::name).toList()));
      return null;
    }
    if (configs.size() == 1) {
      return configs.get(0);
    }
    if (configs.isEmpty()) {
      if (diagnostics.hasErrors()) {
        return null; // the constant is probably among the broken ones; don't add noise
      }
      diagnostics.error(fileStart, "No constant of type Config in " + source.path() + ".",
          "declare one: using Workerd = import \"/workerd/workerd.capnp\"; "
              + "const config :Workerd.Config = (services = [...], sockets = [...]);");
      return null;
    }
    diagnostics.error(configs.get(1).span(), "More than one constant of type Config ("
        + String.join(", ", configs.stream().map(MainFile.Constant::name).toList())
        + "); say which one to use.", "pass the constant name after the file name");
    return null;
  }

  /** The Cap'n Proto binary message (unpacked, with segment table) of the parsed config. */
  public byte[] encode(ParsedConfig parsed) {
    return MessageEncoder.encode(parsed.config());
  }

  /**
   * Parses, evaluates, builds the model, resolves {@code inherit} and {@code parameter}, checks
   * every reference and encodes the binary: everything a runner needs from a config file.
   *
   * @throws ConfigException with every problem found (syntax and evaluation problems first: the
   *     model is only built from a config that evaluated cleanly)
   * @throws IOException if the file itself cannot be read
   */
  public CompiledConfig compile(Path file, @Nullable String constName)
      throws ConfigException, IOException {
    return compile(parse(file, constName));
  }

  /**
   * Resolves an already parsed config: builds the typed model, applies {@code inherit} and
   * {@code parameter}, checks every reference, and encodes the binary.
   *
   * @throws ConfigException with every problem found
   */
  public CompiledConfig compile(ParsedConfig parsed) throws ConfigException {
    // Encoding needs only the value tree: do it on another core while the model is resolved.
    var binary = new java.util.concurrent.FutureTask<>(() -> encode(parsed));
    Thread.ofPlatform().name("capmesh-encode").daemon().start(binary);
    var diagnostics = new Diagnostics();
    dev.capmesh.compiler.model.BuiltModel model =
        dev.capmesh.compiler.model.ModelBuilder.build(parsed, diagnostics);
    dev.capmesh.compiler.resolve.Resolver.Resolved resolved =
        dev.capmesh.compiler.resolve.Resolver.resolve(model, diagnostics);
    if (diagnostics.hasErrors()) {
      binary.cancel(true);
      diagnostics.throwIfErrors();
    }
    List<Diagnostic> warnings = diagnostics.all().stream()
        .filter(d -> d.severity() == Diagnostic.Severity.WARNING).toList();
    return new CompiledConfig(parsed, resolved.config(), model.spans(), join(binary), warnings,
        resolved.abstractServices());
  }

  private static byte[] join(java.util.concurrent.FutureTask<byte[]> task) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while encoding the config", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("encoding failed", e.getCause());
    }
  }
}
