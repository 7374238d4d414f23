package dev.capmesh.compiler.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.Diagnostic;
import dev.capmesh.compiler.source.Source;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * kvNamespace and r2Bucket bindings may designate, as in workerd, a worker or external service
 * speaking the binding's HTTP protocol, or a disk service; a read-only disk only warns.
 */
class KvR2DesignationTest {
  private static final ConfigCompiler COMPILER = ConfigCompiler.create();

  private static CompiledConfig compile(String services) throws Exception {
    String text = "using Workerd = import \"/workerd/workerd.capnp\";\n"
        + "const config :Workerd.Config = (services = [\n" + services + "\n]);\n";
    return COMPILER.compile(COMPILER.parse(Source.of("kv.capnp", text), Path.of("."), null));
  }

  private static final String MAIN = "(name = \"main\", worker = (modules = [(name = \"w.js\", "
      + "esModule = \"export default {}\")], compatibilityDate = \"2024-09-01\", bindings = [%s])),\n";

  @Test
  void workerExternalAndWritableDiskServicesAreAcceptedWithoutWarnings() throws Exception {
    CompiledConfig c = compile(MAIN.formatted("(name = \"A\", kvNamespace = \"mock\"), "
        + "(name = \"B\", r2Bucket = \"mock\"), (name = \"C\", kvNamespace = \"remote\"), "
        + "(name = \"D\", r2Bucket = \"remote\"), (name = \"E\", kvNamespace = \"dir\"), "
        + "(name = \"F\", r2Bucket = \"dir\")")
        + "(name = \"mock\", worker = (modules = [(name = \"m.js\", esModule = \"export default {}\")], "
        + "compatibilityDate = \"2024-09-01\")),\n"
        + "(name = \"remote\", external = (address = \"127.0.0.1:9000\", http = ())),\n"
        + "(name = \"dir\", disk = (path = \"/tmp/kv\", writable = true))");
    assertThat(c.warnings()).isEmpty();
    assertThat(c.config().services()).hasSize(4);
  }

  @Test
  void aReadOnlyDiskServiceCompilesWithAWarningAtTheBinding() throws Exception {
    CompiledConfig c = compile(MAIN.formatted("(name = \"KV\", kvNamespace = \"www\")")
        + "(name = \"www\", disk = (path = \"/srv\"))");
    assertThat(c.warnings()).hasSize(1);
    Diagnostic w = c.warnings().get(0);
    assertThat(w.severity()).isEqualTo(Diagnostic.Severity.WARNING);
    assertThat(w.toString()).isEqualTo("kv.capnp:3:162: warning: Worker \"main\"'s binding \"KV\" "
        + "designates disk service \"www\", which is not writable: writes through the binding will fail.");
    assertThat(w.hint()).isEqualTo("set writable = true on the disk service");
  }
}
