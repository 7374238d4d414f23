package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.capmesh.runner.js.JsRuntime;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.Module;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** How {@code fromEnvironment} bindings reach a worker: unset is null, long values are redacted. */
class FromEnvironmentTest {
  @Test void unsetIsNullAndLongValuesAreRedactedLikeSecrets() throws Exception {
    var worker = Worker.ofModules(List.of(Module.ofText("main.js", Module.Type.ES_MODULE, """
        export default { async fetch(req, env) {
          console.log('creds ' + env.LONG + ' region ' + env.SHORT);
          return Response.json({ unset: env.UNSET, has: 'UNSET' in env, long: env.LONG.length, short: env.SHORT });
        } };
        """)), "2024-09-01", List.of(
        new Binding("LONG", new BindingKind.FromEnvironment("CAPMESH_T_LONG")),
        new Binding("SHORT", new BindingKind.FromEnvironment("CAPMESH_T_SHORT")),
        new Binding("UNSET", new BindingKind.FromEnvironment("CAPMESH_T_UNSET"))));
    var config = Config.of(List.of(new Service("main", new ServiceKind.WorkerService(worker))), List.of());
    Map<String, String> environment = Map.of("CAPMESH_T_LONG", "pg-password-123456", "CAPMESH_T_SHORT", "eu");
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    var console = (Logger) LoggerFactory.getLogger("dev.capmesh.runner.js.console");
    console.setLevel(Level.DEBUG);
    console.addAppender(appender);
    JsRuntime runtime = JsRuntime.create();
    try {
      Generation g = new GenerationBuilder(TestRunners.plan(config), null, RunnerOptions.defaults(Path.of(".")),
          runtime, null, null, Runnable::run, environment::get, new WorkerRefs()).build();
      ServiceResponse r = g.services.get("main").fetch(new ServiceRequest("GET", "http://x/", List.of(),
          BodyStreams.empty(), "req-env")).toCompletableFuture().get(30, TimeUnit.SECONDS);
      String body = new String(BodyStreams.readAll(r.body(), 1 << 16).get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
      assertThat(body).isEqualTo("{\"unset\":null,\"has\":true,\"long\":18,\"short\":\"eu\"}");
      assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(l -> l.endsWith("creds [REDACTED] region eu"))
          .noneMatch(l -> l.contains("pg-password-123456"));
      g.retire();
    } finally {
      console.detachAppender(appender);
      console.setLevel(null);
      runtime.close();
    }
  }

  @Test void theAccessLogRedactsEveryFormOfSecretAndEnvironmentValues() {
    var worker = Worker.ofModules(List.of(Module.ofText("main.js", Module.Type.ES_MODULE, "export default {}")),
        "2024-09-01", List.of(new Binding("S", new BindingKind.Secret("a b\"c/d")),
            new Binding("E", new BindingKind.FromEnvironment("CAPMESH_T_LONG"))));
    var config = Config.of(List.of(new Service("main", new ServiceKind.WorkerService(worker))), List.of());
    List<String> forms = Runner.secretValues(TestRunners.plan(config), Map.of("CAPMESH_T_LONG", "pg-password-123456")::get);
    assertThat(forms).contains("a b\"c/d", "a%20b%22c%2Fd", "a+b%22c%2Fd", "a b\\\"c/d", "pg-password-123456");
  }
}
