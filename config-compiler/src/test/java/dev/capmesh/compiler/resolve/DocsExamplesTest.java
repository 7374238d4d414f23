package dev.capmesh.compiler.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ConfigException;
import dev.capmesh.compiler.ExpectedErrors;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Worker;
import dev.capmesh.schema.model.WorkerCode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code inherit} and {@code parameter} examples of the docs, compiled as written. */
class DocsExamplesTest {
  private static final ConfigCompiler COMPILER = ConfigCompiler.create();

  private static Path resource(String name) throws Exception {
    return Path.of(DocsExamplesTest.class.getResource("/resolve/" + name).toURI());
  }

  private static Worker worker(CompiledConfig c, String service) {
    return ((ServiceKind.WorkerService) c.config().service(service).orElseThrow().kind()).worker();
  }

  @Test
  void authDevAndProdFillTheParametersWithTheirOwnServices() throws Exception {
    CompiledConfig c = COMPILER.compile(resource("auth-dev-prod.capnp"), null);
    Worker dev = worker(c, "app-dev");
    Worker prod = worker(c, "app-prod");
    assertThat(dev.code()).isInstanceOf(WorkerCode.Modules.class);
    assertThat(dev.compatibilityDate()).contains("2024-09-01");
    assertThat(dev.compatibilityFlags()).containsExactly("nodejs_compat");
    assertThat(dev.bindings()).extracting(Binding::name).containsExactly("AUTH", "USERS", "TRACE", "GREETING");
    assertThat(dev.binding("AUTH").orElseThrow().kind())
        .isEqualTo(new BindingKind.Service(ServiceDesignator.of("auth-dev")));
    assertThat(dev.binding("TRACE").orElseThrow().kind()).isEqualTo(new BindingKind.Text("on"));
    // prod leaves the optional TRACE unfilled: it is absent, not a parameter
    assertThat(prod.bindings()).extracting(Binding::name).containsExactly("AUTH", "USERS", "GREETING");
    assertThat(prod.binding("USERS").orElseThrow().kind())
        .isEqualTo(new BindingKind.KvNamespace(ServiceDesignator.of("users-prod")));
    assertThat(prod.bindings()).noneMatch(b -> b.kind() instanceof BindingKind.Parameter);
  }

  @Test
  void customerWorkersShareCodeAndGetTheirOwnDatabase() throws Exception {
    CompiledConfig c = COMPILER.compile(resource("customers.capnp"), null);
    Worker a = worker(c, "customer-a");
    Worker b = worker(c, "customer-b");
    assertThat(((WorkerCode.Modules) a.code()).modules()).isEqualTo(((WorkerCode.Modules) b.code()).modules());
    assertThat(a.binding("DB").orElseThrow().kind())
        .isEqualTo(new BindingKind.KvNamespace(ServiceDesignator.of("customer-a-db")));
    assertThat(b.binding("DB").orElseThrow().kind())
        .isEqualTo(new BindingKind.KvNamespace(ServiceDesignator.of("customer-b-db")));
    assertThat(c.binary()).isNotEmpty();
  }

  @Test
  void mockInjectionByInheritReplacesOneBindingAndKeepsTheRest() throws Exception {
    CompiledConfig c = COMPILER.compile(resource("mock-by-inherit.capnp"), null);
    Worker app = worker(c, "app");
    Worker test = worker(c, "app-test");
    Worker usd = worker(c, "app-test-usd");
    assertThat(app.globalOutbound()).isEmpty();
    assertThat(test.binding("PRICES").orElseThrow().kind())
        .isEqualTo(new BindingKind.Service(ServiceDesignator.of("mock-prices")));
    assertThat(test.binding("CURRENCY").orElseThrow().kind()).isEqualTo(new BindingKind.Text("EUR"));
    assertThat(test.globalOutbound()).contains(ServiceDesignator.of("internet"));
    // two levels: the grandchild keeps the child's mock and outbound, and changes CURRENCY
    assertThat(usd.binding("PRICES")).isEqualTo(test.binding("PRICES"));
    assertThat(usd.binding("CURRENCY").orElseThrow().kind()).isEqualTo(new BindingKind.Text("USD"));
    assertThat(usd.globalOutbound()).contains(ServiceDesignator.of("internet"));
    assertThat(usd.code()).isEqualTo(app.code());
    // the production worker is untouched
    assertThat(app.binding("PRICES").orElseThrow().kind())
        .isEqualTo(new BindingKind.Service(ServiceDesignator.of("prices")));
  }

  @Test
  void servingTheAbstractCustomerWorkerDirectlyNamesTheParameterAndTheWorkersThatFillIt() throws Exception {
    Path file = resource("customers-direct.capnp");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> COMPILER.compile(file, null));
    assertThat(e).isNotNull();
    assertThat(ExpectedErrors.render(file, e.diagnostics())).isEqualTo("""
        customers-direct.capnp:10:79: error: Socket "http" refers to service "tenant", which is \
        abstract (its worker "customerWorker" leaves parameter "DB" unfilled) and can only be \
        inherited from.
            hint: serve a worker that fills it instead: worker = .customerA or worker = .customerB
        """);
    assertThat(e.format()).contains("service = \"tenant\")],\n")
        .contains("\n" + " ".repeat(4 + 78) + "^~~~~~~~\n");
  }

  @Test
  void anAbstractServiceIsAnInheritanceBaseThatIsNotRun() throws Exception {
    CompiledConfig c = COMPILER.compile(resource("abstract-base-service.capnp"), null);
    assertThat(c.abstractServices()).containsExactly("auth");
    assertThat(c.config().service("auth")).isEmpty();
    assertThat(c.config().services()).extracting(dev.capmesh.schema.model.Service::name)
        .containsExactly("authDev", "authProd", "kv-mock", "users", "files", "app");
    Worker dev = worker(c, "authDev");
    Worker prod = worker(c, "authProd");
    assertThat(dev.code()).isEqualTo(prod.code()).isInstanceOf(WorkerCode.Modules.class);
    assertThat(dev.compatibilityDate()).contains("2024-09-01");
    assertThat(dev.bindings()).extracting(Binding::name).containsExactly("AUTH_DB", "REALM");
    assertThat(dev.binding("AUTH_DB").orElseThrow().kind())
        .isEqualTo(new BindingKind.KvNamespace(ServiceDesignator.of("kv-mock")));
    assertThat(dev.binding("REALM").orElseThrow().kind()).isEqualTo(new BindingKind.Text("dev"));
    assertThat(prod.binding("REALM").orElseThrow().kind()).isEqualTo(new BindingKind.Text("prod"));
    assertThat(c.warnings()).isEmpty();
  }
}
