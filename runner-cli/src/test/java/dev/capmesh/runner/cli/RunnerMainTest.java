package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The runner CLI driven in-process: exit codes, stdout and stderr. */
class RunnerMainTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

  private int run(boolean terminal, String... args) {
    return new RunnerMain(new PrintWriter(out), new PrintWriter(err), binary, terminal).run(args);
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static final String GOOD = """
      using Workerd = import "/workerd/workerd.capnp";
      const config :Workerd.Config = (
        services = [
          (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")],
              compatibilityDate = "2024-09-01",
              bindings = [(name = "API", service = "api"), (name = "DB", kvNamespace = "db"),
                          (name = "TOKEN", secret = "s3cr3t")])),
          (name = "api", worker = (modules = [(name = "a.js", esModule = "export default {}")],
              compatibilityDate = "2024-09-01", globalOutbound = "internet")),
          (name = "db", kv = (embedded = (path = "/tmp/db"))),
          (name = "internet", network = (allow = ["public"], deny = ["10.0.0.0/8"])),
        ],
        sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
      );
      """;

  private static final String BAD = """
      using Workerd = import "/workerd/workerd.capnp";
      const config :Workerd.Config = (
        services = [(name = "main", worker = (modules = [(name = "w.js", esModule = "x")],
            compatibilityDate = "2024-09-01", bindings = [(name = "A", service = "nope")]))],
        sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "mian")],
      );
      """;

  @Test
  void serveRefusesAMalformedCpuLimitAsAUsageError() throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "serve", "--cpu-limit", "soon", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration (write it like 200ms, 1.5s or 2m)");
  }


  @Test
  void serveRefusesAConnectionCapBelowOneAsAUsageError() throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "serve", "--max-connections-per-ip", "0", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("maxConnectionsPerIp: 0 (expected: >= 1)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "257"})
  void serveRefusesIoThreadsOutOfRangeAsAUsageError(String threads) throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "serve", "--io-threads", threads, file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--io-threads must be between 1 and 256 (got " + threads + ")");
  }

  @Test
  void checkPrintsASummaryAndExitsZero() throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "check", file.toString())).isZero();
    assertThat(out.toString()).contains(": ok\n", "services: 4\n", "  worker (2): main, api\n",
        "  kv (1): db\n", "  network (1): internet\n", "  main: 3 bindings, no outbound\n",
        "  api: 0 bindings, outbound internet\n", "  http: http 127.0.0.1:8080 -> main\n");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void checkPrintsEveryDiagnosticWithCaretAndExitsOne() throws Exception {
    Path file = write("bad.capnp", BAD);
    assertThat(run(false, "check", file.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(file + ":4:76: error: Worker \"main\"'s binding \"A\" refers to a service \"nope\", but no such service is defined.\n")
        .contains(file + ":5:79: error: Socket \"http\" refers to a service \"mian\"")
        .contains("    hint: did you mean 'main'?\n")
        .contains("^~~~~~")
        .endsWith("2 errors\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    assertThat(run(false)).isEqualTo(2);
    assertThat(err.toString()).contains("a subcommand is required", "Usage: runner");
    assertThat(run(false, "check")).isEqualTo(2);
    assertThat(run(false, "frobnicate")).isEqualTo(2);
    assertThat(run(false, "capabilities", write("g.capnp", GOOD).toString(), "--no-such-flag")).isEqualTo(2);
  }

  /** Each usage error names what is wrong on the line, then shows that command's usage. */
  @Test
  void usageErrorsSayWhatIsWrong() throws Exception {
    String good = write("g.capnp", GOOD).toString();
    assertUsageError("runner: Unknown command: 'frobnicate'", "Usage: runner ", "frobnicate");
    assertUsageError("runner: Missing required argument: 'CONFIG'", "Usage: runner check ", "check");
    assertUsageError("runner: Unexpected argument: 'extra'", "Usage: runner check ", "check", good, "Config", "extra");
    assertUsageError("runner: Unknown option: '--no-such-flag'", "Usage: runner serve ", "serve", good, "--no-such-flag");
    assertUsageError("runner: Option '--cpu-limit' needs a value (TIME)", "Usage: runner serve ", "serve", good, "--cpu-limit");
    assertUsageError("runner: Option '--cpu-limit' should be given only once", "Usage: runner serve ",
        "serve", "--cpu-limit", "1s", good, "--cpu-limit", "2s");
    assertUsageError("runner: Invalid value for option '--cold-start-requests': 'many' is not a whole number",
        "Usage: runner serve ", "serve", good, "--cold-start-requests", "many");
    assertUsageError("runner: Unknown command: 'nope'", "Usage: runner ", "help", "nope");
    assertUsageError("runner: audit needs a subcommand (verify)", "Usage: runner audit", "audit");
  }

  private void assertUsageError(String message, String usage, String... args) {
    err.getBuffer().setLength(0);
    assertThat(run(false, args)).as(String.join(" ", args)).isEqualTo(2);
    assertThat(err.toString()).as(String.join(" ", args)).startsWith(message + "\n").contains("\n" + usage);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void missingFileIsAConfigError() {
    assertThat(run(false, "check", dir.resolve("absent.capnp").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("absent.capnp: no such file");
  }

  @Test
  void compileWritesTheBinaryToAFileOrStdoutButNotToATerminal() throws Exception {
    Path file = write("good.capnp", GOOD);
    Path bin = dir.resolve("out.bin");
    assertThat(run(true, "compile", file.toString(), "-o", bin.toString())).isZero();
    byte[] written = Files.readAllBytes(bin);
    assertThat(written.length).isGreaterThan(8);
    assertThat(written.length % 8).isZero();

    assertThat(run(false, "compile", file.toString())).isZero();
    assertThat(binary.toByteArray()).isEqualTo(written);

    binary.reset();
    assertThat(run(true, "compile", file.toString())).isEqualTo(2);
    assertThat(binary.size()).isZero();
    assertThat(err.toString()).contains("refusing to write a binary message to a terminal");
  }

  @Test
  void compileOfABadConfigWritesNothing() throws Exception {
    Path bin = dir.resolve("out.bin");
    assertThat(run(false, "compile", write("bad.capnp", BAD).toString(), "-o", bin.toString())).isEqualTo(1);
    assertThat(bin).doesNotExist();
  }

  @Test
  void capabilitiesListDirectAndTransitiveResourcesWithoutSecretValues() throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "capabilities", file.toString())).isZero();
    assertThat(out.toString()).contains("worker main  [network egress]\n", "  secret TOKEN\n",
        "  kv db: embedded /tmp/db\n", "  worker api\n",
        "  network internet: allow [public] deny [10.0.0.0/8]  via api\n",
        "worker api  [network egress]\n").doesNotContain("s3cr3t");

    out.getBuffer().setLength(0);
    assertThat(run(false, "capabilities", file.toString(), "--json")).isZero();
    assertThat(out.toString()).contains("\"service\" : \"main\"", "\"networkEgress\" : true",
        "\"via\" : [ \"api\" ]").doesNotContain("s3cr3t");
  }

  @Test
  void capabilitiesListEachWorkersBucketsWithTheirBackendsAndNoCredentials() throws Exception {
    Path file = write("buckets.capnp", """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "main", worker = (modules = [(name = "w.js", esModule = "export default {}")],
                compatibilityDate = "2024-09-01",
                bindings = [(name = "MEDIA", r2Bucket = "media"), (name = "PHOTOS", r2Bucket = "photos"),
                            (name = "FILES", r2Bucket = "files")])),
            (name = "media", storage = (embedded = ())),
            (name = "photos", storage = (s3 = (endpoint = "http://AKIAEXAMPLE:wJalrXUtnFEMI@127.0.0.1:9000",
                region = "auto", bucket = "photos", pathStyle = true, accessKeyIdEnv = "S3_KEY_ID",
                secretAccessKeyEnv = "S3_SECRET"))),
            (name = "files", disk = (path = "/srv/files", writable = true)),
          ],
        );
        """);
    assertThat(run(false, "capabilities", file.toString())).isZero();
    assertThat(out.toString()).contains("worker main  [no network egress]\n", "  storage media: embedded (default)\n",
        "  storage photos: s3 photos endpoint http://***@127.0.0.1:9000 region auto\n",
        "  disk files: /srv/files (writable)\n").doesNotContain("AKIAEXAMPLE").doesNotContain("wJalrXUtnFEMI");
  }

  @Test
  void serveRefusesAMalformedBodySizeAsAUsageError() throws Exception {
    Path file = write("good.capnp", GOOD);
    assertThat(run(false, "serve", "--max-body-size", "lots", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("'lots' is not a size (write it like 1048576, 512k, 100m or 2g)");
  }

  /** {@code --version} and {@code -V} name the release the build wrote into it. */
  @Test
  void versionNamesTheRelease() {
    assertThat(run(false, "--version")).isZero();
    assertThat(out.toString()).matches("capmesh runner \\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?\\R");
    assertThat(err.toString()).isEmpty();
    out.getBuffer().setLength(0);
    assertThat(run(false, "-V")).isZero();
    assertThat(out.toString()).startsWith("capmesh runner ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"check", "compile", "capabilities", "serve"})
  void everyCommandPrintsItsUsageForHelpAndExitsZero(String command) {
    assertThat(run(false, command, "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: runner " + command + " ").contains("CONFIG", "--help");
    assertThat(err.toString()).isEmpty();

    out.getBuffer().setLength(0);
    assertThat(run(false, command, "-h")).isZero();
    assertThat(out.toString()).startsWith("Usage: runner " + command + " ");

    out.getBuffer().setLength(0);
    assertThat(run(false, "help", command)).isZero();
    assertThat(out.toString()).startsWith("Usage: runner " + command + " ");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void helpWinsOverAMissingOrBrokenConfig() throws Exception {
    Path bad = write("bad.capnp", BAD);
    assertThat(run(false, "serve", bad.toString(), "--help")).isZero();
    assertThat(run(false, "check", "--help", dir.resolve("absent.capnp").toString())).isZero();
    assertThat(out.toString()).contains("Usage: runner serve ", "Usage: runner check ");
    assertThat(err.toString()).isEmpty();
  }

  /** Valid for workerd, but with one of each thing this runner cannot serve yet. */
  private static final String UNSERVABLE = """
      using Workerd = import "/workerd/workerd.capnp";
      const config :Workerd.Config = (
        services = [
          (name = "main", worker = (inherit = "base", bindings = [(name = "KEY", cryptoKey = (raw = 0x"00", algorithm = (name = "HMAC"), usages = [sign]))])),
          (name = "mod", worker = (modules = [(name = "m.js", esModule = "export default {}"), (name = "a.wasm", wasm = 0x"0061736d01000000")],
              compatibilityDate = "2024-09-01", bindings = [(name = "SECURE", service = "secure")])),
          (name = "secure", external = (address = "127.0.0.1:8443", https = ())),
          (name = "files", external = (address = "127.0.0.1:9001", http = ())),
        ],
        sockets = [(name = "raw", address = "127.0.0.1:9000", tcp = (), service = "main")],
      );
      const base :Workerd.Worker = (modules = [(name = "w.js", esModule = "export default {}")],
          compatibilityDate = "2024-09-01",
          bindings = [(name = "KEY", parameter = (type = (cryptoKey = [sign]))), (name = "FILES", r2Bucket = "files")]);
      """;

  @Test
  void checkAndServeReportEverythingThisRunnerCannotServeAtItsLineWhileCompileAcceptsIt() throws Exception {
    Path file = write("unservable.capnp", UNSERVABLE);
    assertThat(run(false, "check", file.toString())).isEqualTo(1);
    String report = err.toString();
    assertThat(report)
        // the filled parameter is reported where the filling binding is written
        // WebCrypto's HmacImportParams require a hash: a key that cannot be imported is
        // refused where it is written
        .contains(file + ":4:76: error: Worker \"main\"'s cryptoKey binding \"KEY\": crypto key "
            + "(raw, HMAC): algorithm: the member \"hash\" is missing\n")
        .contains(file + ":5:90: error: Worker \"mod\"'s module \"a.wasm\" is a wasm module, "
            + "which this runner cannot load yet.\n    ")
        // served, but trusting no CA (workerd's default) every request fails: a warning
        .contains(file + ":7:23: warning: Service \"secure\" trusts no certificate authority, "
            + "so every connection it makes over TLS fails (as in workerd, trustBrowserCas is false unless set).\n")
        .contains(file + ":10:57: error: Socket \"raw\" is a tcp socket; this runner serves only http and https sockets so far.\n")
        // inherited from the base: reported where the base writes it, for the worker that runs it
        .contains(file + ":14:93: error: Worker \"main\"'s r2Bucket binding \"FILES\" designates external "
            + "service \"files\": the workerd R2 binding protocol is not supported by this runner yet.\n")
        .endsWith("4 errors: this runner cannot serve the config yet (it is valid: runner compile accepts it)\n");
    assertThat(out.toString()).isEmpty();

    // serve refuses the same things (the runner reports them with code that does not load)
    err.getBuffer().setLength(0);
    assertThat(run(false, "serve", file.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("binding \"KEY\"", "binding \"FILES\"", "module \"a.wasm\"",
        "socket \"raw\"");
    assertThat(out.toString()).isEmpty();

    err.getBuffer().setLength(0);
    Path bin = dir.resolve("unservable.bin");
    assertThat(run(false, "compile", file.toString(), "-o", bin.toString())).isZero();
    assertThat(bin).isNotEmptyFile();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void checkAcceptsAnAbstractBaseServiceAndSaysItIsNotStarted() throws Exception {
    Path file = write("abstract.capnp", """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "auth", worker = .authWorker),
            (name = "authDev", worker = (inherit = "auth", bindings = [(name = "REALM", text = "dev")])),
          ],
          sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "authDev")],
        );
        const authWorker :Workerd.Worker = (modules = [(name = "a.js", esModule = "export default {}")],
            compatibilityDate = "2024-09-01", bindings = [(name = "REALM", parameter = (type = (text = void)))]);
        """);
    assertThat(run(false, "check", file.toString())).isZero();
    assertThat(out.toString()).contains("services: 1\n", "  worker (1): authDev\n",
        "abstract services, only inherited from (not started): auth\n", "  authDev: 1 binding, no outbound\n");
    assertThat(err.toString()).isEmpty();
  }
}
