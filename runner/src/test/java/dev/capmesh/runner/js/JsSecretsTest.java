package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Secret bindings never appear in console output, runtime logs or load errors. */
class JsSecretsTest {
  static final String SECRET = "sk-live-0123456789abcdef";
  static JsRuntime runtime;
  final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(HostHooks.CONSOLE_LOGGER),
      (Logger) LoggerFactory.getLogger(WorkerContext.class));

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  @BeforeEach void capture() {
    appender.start();
    // Capture everything these loggers emit, whatever level the test logging config sets.
    loggers.forEach(l -> {
      l.setLevel(ch.qos.logback.classic.Level.DEBUG);
      l.addAppender(appender);
    });
  }

  @AfterEach void release() {
    loggers.forEach(l -> {
      l.detachAppender(appender);
      l.setLevel(null);
    });
  }

  private List<String> lines() {
    return appender.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
  }

  @Test void consoleAndErrorsAreRedacted() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "secrets", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(req, env) {
          console.log(env.API_KEY);
          console.info('key=%s', env.API_KEY, { nested: [env.API_KEY] });
          console.warn(`prefix-${env.API_KEY}-suffix`);
          if (new URL(req.url).pathname === '/throw') throw new Error('failed with ' + env.API_KEY);
          return new Response(String(env.API_KEY.length));
        } };
        """))).binding("API_KEY", new EnvBinding.Secret(SECRET)).build();
    assertThat(JsTesting.get(w, "http://x/").text()).isEqualTo(String.valueOf(SECRET.length()));
    var thrown = JsTesting.get(w, "http://x/throw");
    assertThat(thrown.status()).isEqualTo(500);
    assertThat(thrown.text()).doesNotContain(SECRET);

    List<String> lines = lines();
    assertThat(lines).anyMatch(l -> l.endsWith(" [REDACTED]"));
    assertThat(lines).anyMatch(l -> l.contains("key=[REDACTED] { nested: [ \"[REDACTED]\" ] }"));
    assertThat(lines).anyMatch(l -> l.contains("prefix-[REDACTED]-suffix"));
    assertThat(lines).anyMatch(l -> l.contains("failed with [REDACTED]"));
    assertThat(lines).noneMatch(l -> l.contains(SECRET));
  }

  @Test void loadErrorsAreRedacted() {
    assertThatThrownBy(() -> JsWorker.builder(runtime, "boom", WorkerCode.serviceWorker("sw.js",
        "throw new Error('top level ' + API_KEY);"))
        .binding("API_KEY", new EnvBinding.Secret(SECRET)).build())
        .isInstanceOf(JsLoadException.class)
        .hasMessageContaining("top level [REDACTED]")
        .hasMessageNotContaining(SECRET);
  }

  @Test void secretRecordDoesNotPrintItsValue() {
    assertThat(new EnvBinding.Secret(SECRET).toString()).doesNotContain(SECRET);
  }
  /** A PEM key and a JSON credential: quotes, backslashes and newlines in the value. */
  static final String PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
      + "VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n-----END PRIVATE KEY-----\n";
  static final String JSON_CREDENTIAL = "{\"client_id\":\"abc\",\"client_secret\":\"q\\\"uote\\\\d\"}";

  @Test void secretsWithQuotesAndNewlinesAreRedactedInEveryEncoding() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "pem", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(req, env) {
          const path = new URL(req.url).pathname;
          console.log({ k: env.PEM });
          console.log(env);
          console.log(JSON.stringify(env));
          console.log('%o and %j', env.CRED, env.CRED);
          console.log([env.PEM, new Map([[env.CRED, 1]])]);
          console.log(encodeURIComponent(env.PEM), new URLSearchParams({ k: env.CRED }).toString());
          console.log(env.PEM.split('\\n')[1]);
          if (path === '/throw') throw new Error(env.PEM);
          return { env };
        } };
        """))).binding("PEM", new EnvBinding.Secret(PEM)).binding("CRED", new EnvBinding.Secret(JSON_CREDENTIAL)).build();
    var returned = JsTesting.get(w, "http://x/");
    assertThat(returned.status()).isEqualTo(500);
    // The client learns only that the handler returned the wrong kind of value.
    assertThat(returned.text()).startsWith("Internal Server Error: The fetch handler returned an object instead of a Response")
        .doesNotContain("MIIE", "client_secret", "BEGIN", "env");
    assertThat(JsTesting.get(w, "http://x/throw").text()).doesNotContain("MIIE", "BEGIN");
    List<String> lines = lines();
    assertThat(lines).hasSizeGreaterThan(10);
    for (String line : lines) {
      assertThat(line).doesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
          "VJTUt9Us8cKjMzEfYyjiWA4R4", "client_secret", "uote");
    }
  }

  @Test void workerTextCannotForgeLogLines() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "forger", WorkerCode.modules(WorkerModule.esModule("main.js", """
        const forged = 'ok\\nrequest id=forged method=GET target=/admin status=200 in=0 out=0 ms=1\\r\\u001b[2J\\u2028x';
        export default { async fetch(req, env) {
          console.log(forged);
          console.error({ forged });
          if (new URL(req.url).pathname === '/throw') throw new Error(forged);
          return new Response('fine');
        } };
        """))).build();
    JsTesting.get(w, "http://x/");
    JsTesting.get(w, "http://x/throw");
    List<String> lines = lines();
    assertThat(lines).anyMatch(l -> l.contains("ok\\nrequest id=forged") && l.contains("\\r\\u001b[2J\\u2028x"));
    assertThat(lines).anyMatch(l -> l.contains("event=worker-exception") && l.contains("ok\\nrequest id=forged"));
    for (String line : lines) {
      assertThat(line).doesNotContain("\n", "\r", "\u001b", "\u2028");
    }
  }
  /** Characters JSON and the log escape write differently: control, separators, lone surrogates. */
  @Test void secretsWithUnusualCharactersAreRedacted() throws Exception {
    String odd = "tab\there\u0001ctl\u2028ls\ud800lone\"q\\b\u007fdel";
    JsWorker w = JsWorker.builder(runtime, "odd", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(req, env) {
          console.log(env.ODD);
          console.log({ k: env.ODD });
          console.log(JSON.stringify(env));
          console.log('%o', [env.ODD]);
          return new Response('ok');
        } };
        """))).binding("ODD", new EnvBinding.Secret(odd)).build();
    JsTesting.get(w, "http://x/");
    List<String> lines = lines();
    assertThat(lines).hasSize(4);
    assertThat(lines).allMatch(l -> l.contains("[REDACTED]") && !l.contains("here") && !l.contains("lone")
        && !l.contains("del"), "redacted");
  }
}
