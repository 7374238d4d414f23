package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.capmesh.runner.observe.BindingListener;
import dev.capmesh.runner.observe.BindingUse;
import dev.capmesh.runner.observe.BindingUse.Outcome;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of binding use produces exactly one {@link BindingUse}, at the caller, with the
 * request id the HTTP server gave the request: a real runner serving real HTTP, a real upstream
 * server on loopback for egress, a real disk directory and an embedded KV store. One runner
 * serves every test (each looks only at the uses of its own request id).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BindingUseEmissionTest {
  private static final String SECRET = "s3cr3t-V4LUE-never-logged";
  private static final String KEY_HEX = "000102030405060708090a0b0c0d0e0f";

  private Path dir;
  private final ConcurrentLinkedQueue<BindingUse> uses = new ConcurrentLinkedQueue<>();
  private HttpServer upstream;
  private Runner runner;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  @BeforeAll void setUp(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    for (String name : List.of("main.js", "auth.js", "noout.js")) {
      try (InputStream in = BindingUseEmissionTest.class.getResourceAsStream("/audit/" + name)) {
        Files.write(dir.resolve(name), in.readAllBytes());
      }
    }
    Files.createDirectories(dir.resolve("files"));
    Files.writeString(dir.resolve("files/hello.txt"), "hello from disk");
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", exchange -> {
      byte[] sent = exchange.getRequestBody().readAllBytes();
      byte[] body = ("upstream got " + sent.length).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    upstream.start();
    String up = "127.0.0.1:" + upstream.getAddress().getPort();
    String config = """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "main", worker = (modules = [(name = "main.js", esModule = embed "main.js")],
                compatibilityDate = "2024-09-01",
                bindings = [
                  (name = "KV", kvNamespace = "ns"),
                  (name = "AUTH", service = "auth"),
                  (name = "FILES", service = "files"),
                  (name = "API", service = "api"),
                  (name = "NET", service = "publicOnly"),
                  (name = "SECRET", secret = "%s"),
                  (name = "KEY", cryptoKey = (hex = "%s",
                      algorithm = (json = "{\\"name\\":\\"HMAC\\",\\"hash\\":\\"SHA-256\\"}"), usages = [sign])),
                ],
                globalOutbound = "loopback")),
            (name = "auth", worker = (modules = [(name = "auth.js", esModule = embed "auth.js")],
                compatibilityDate = "2024-09-01",
                bindings = [(name = "SESSIONS", kvNamespace = "ns")])),
            (name = "noout", worker = (modules = [(name = "noout.js", esModule = embed "noout.js")],
                compatibilityDate = "2024-09-01")),
            (name = "ns", kv = (embedded = (path = "data/ns"))),
            (name = "files", disk = (path = "files")),
            (name = "api", external = (address = "%s", http = ())),
            (name = "loopback", network = (allow = ["127.0.0.1/32"])),
            (name = "publicOnly", network = (allow = ["public"])),
          ],
          sockets = [
            (name = "http", address = "127.0.0.1:1", http = (), service = "main"),
            (name = "noout", address = "127.0.0.1:2", http = (), service = "noout"),
          ],
        );
        """.formatted(SECRET, KEY_HEX, up);
    Map<String, String> addresses = new HashMap<>();
    addresses.put("http", "127.0.0.1:0");
    addresses.put("noout", "127.0.0.1:0");
    BindingListener listener = uses::add;
    runner = Runner.start(TestRunners.plan(TestRunners.compile(dir, config)),
        RunnerOptions.defaults(dir).withSocketAddresses(addresses).withBindingListener(listener));
  }

  @AfterAll void tearDown() {
    if (runner != null) {
      runner.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  /** GETs {@code path}; returns [status body, x-request-id]. */
  private String[] get(String socket, String path) throws Exception {
    int port = runner.listening().get(socket).getPort();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    return new String[] {r.statusCode() + " " + r.body(), r.headers().firstValue("x-request-id").orElseThrow()};
  }

  /** The uses of request {@code requestId}, once {@code count} of them have arrived. */
  private List<BindingUse> usesOf(String requestId, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<BindingUse> found = uses.stream().filter(u -> u.requestId().equals(requestId)).toList();
      if (found.size() >= count || System.nanoTime() > deadline) {
        return found;
      }
      Thread.sleep(10);
    }
  }

  private static BindingUse one(List<BindingUse> list, Predicate<BindingUse> p) {
    List<BindingUse> matching = list.stream().filter(p).toList();
    assertThat(matching).as("uses matching in %s", list).hasSize(1);
    return matching.get(0);
  }

  private static Predicate<BindingUse> is(String worker, String binding, String op) {
    return u -> u.worker().equals(worker) && u.binding().equals(binding) && u.operation().equals(op);
  }

  private static void check(BindingUse u, String kind, @Nullable String target, Outcome outcome) {
    assertThat(u.kind()).isEqualTo(kind);
    assertThat(u.target()).isEqualTo(target);
    assertThat(u.outcome()).isEqualTo(outcome);
    assertThat(u.durationNanos()).isNotNegative();
  }

  @Test void kvOperationsAreOneUseEachWithKeyOrPrefixAndBytes() throws Exception {
    String[] r = get("http", "/kv");
    assertThat(r[0]).isEqualTo("200 hello 1");
    List<BindingUse> list = usesOf(r[1], 4);
    assertThat(list).hasSize(4);
    BindingUse put = one(list, is("main", "KV", "put"));
    check(put, "kv", "user:1", Outcome.OK);
    assertThat(put.bytesOut()).isEqualTo(5);
    BindingUse got = one(list, is("main", "KV", "get"));
    check(got, "kv", "user:1", Outcome.OK);
    assertThat(got.bytesIn()).isEqualTo(5);
    check(one(list, is("main", "KV", "list")), "kv", "user:", Outcome.OK);
    check(one(list, is("main", "KV", "delete")), "kv", "user:1", Outcome.OK);
  }

  @Test void rpcIsCountedOnceAtTheCallerAndTheCalleeKeepsTheRequestId() throws Exception {
    String[] r = get("http", "/rpc");
    assertThat(r[0]).isEqualTo("200 ok alice");
    List<BindingUse> list = usesOf(r[1], 2);
    assertThat(list).hasSize(2);
    BindingUse rpc = one(list, is("main", "AUTH", "rpc"));
    check(rpc, "service", "check", Outcome.OK);
    assertThat(rpc.bytesOut()).isPositive();
    assertThat(rpc.bytesIn()).isPositive();
    // the callee's own binding use carries the same request id
    check(one(list, is("auth", "SESSIONS", "get")), "kv", "session:alice", Outcome.OK);
  }

  @Test void serviceFetchIsOneUseWithoutTheQueryAndCountsTheBodyRead() throws Exception {
    String[] r = get("http", "/service");
    assertThat(r[0]).isEqualTo("200 auth says hi");
    List<BindingUse> list = usesOf(r[1], 2);
    assertThat(list).hasSize(2);
    BindingUse fetch = one(list, is("main", "AUTH", "fetch"));
    check(fetch, "service", "http://auth/hello", Outcome.OK);
    assertThat(fetch.bytesIn()).isEqualTo("auth says hi".length());
    one(list, is("auth", "SESSIONS", "get"));
  }

  @Test void aResponseBodyNeverReadIsReportedWhenTheRequestEnds() throws Exception {
    String[] r = get("http", "/unread");
    assertThat(r[0]).isEqualTo("200 status 200");
    List<BindingUse> list = usesOf(r[1], 2);
    check(one(list, is("main", "AUTH", "fetch")), "service", "http://auth/hello", Outcome.OK);
  }

  @Test void cryptoKeyUsesNameTheBindingAndAForbiddenUsageIsDenied() throws Exception {
    String[] r = get("http", "/crypto");
    assertThat(r[0]).isEqualTo("200 32 InvalidAccessError InvalidAccessError");
    List<BindingUse> list = usesOf(r[1], 3);
    assertThat(list).hasSize(3); // the worker's own generated key is not a binding
    BindingUse sign = one(list, is("main", "KEY", "sign"));
    check(sign, "crypto", "HMAC", Outcome.OK);
    assertThat(sign.bytesOut()).isEqualTo(7);
    assertThat(sign.bytesIn()).isEqualTo(32);
    check(one(list, is("main", "KEY", "verify")), "crypto", "HMAC", Outcome.DENIED);
    check(one(list, is("main", "KEY", "exportKey")), "crypto", "HMAC", Outcome.DENIED);
  }

  @Test void diskReadsAreUsesAndAWriteToAReadOnlyDiskIsDenied() throws Exception {
    String[] r = get("http", "/disk");
    assertThat(r[0]).isEqualTo("200 hello from disk 405");
    List<BindingUse> list = usesOf(r[1], 2);
    assertThat(list).hasSize(2);
    BindingUse read = one(list, is("main", "FILES", "get"));
    check(read, "disk", "/hello.txt", Outcome.OK);
    assertThat(read.bytesIn()).isEqualTo("hello from disk".length());
    check(one(list, is("main", "FILES", "put")), "disk", "/new.txt", Outcome.DENIED);
  }

  @Test void egressThroughGlobalOutboundCountsBytesBothWays() throws Exception {
    int port = upstream.getAddress().getPort();
    String[] r = get("http", "/egress?up=127.0.0.1:" + port);
    assertThat(r[0]).isEqualTo("200 upstream got 5");
    List<BindingUse> list = usesOf(r[1], 1);
    BindingUse out = one(list, is("main", "globalOutbound", "fetch"));
    check(out, "network", "http://127.0.0.1:" + port + "/upstream", Outcome.OK);
    assertThat(out.bytesOut()).isEqualTo(5);
    assertThat(out.bytesIn()).isEqualTo("upstream got 5".length());
  }

  @Test void anExternalServiceIsItsOwnKind() throws Exception {
    String[] r = get("http", "/external");
    assertThat(r[0]).isEqualTo("200 upstream got 0");
    check(one(usesOf(r[1], 1), is("main", "API", "fetch")), "external", "http://api.example/v1/thing",
        Outcome.OK);
  }

  @Test void aNetworkPolicyRefusalIsDenied() throws Exception {
    int port = upstream.getAddress().getPort();
    String[] r = get("http", "/denied?up=127.0.0.1:" + port);
    assertThat(r[0]).startsWith("200 refused: ");
    check(one(usesOf(r[1], 1), is("main", "NET", "fetch")), "network",
        "http://127.0.0.1:" + port + "/private", Outcome.DENIED);
  }

  @Test void fetchWithoutGlobalOutboundIsRefusedAndRecordedWithoutCredentialsOrQuery() throws Exception {
    String[] r = get("noout", "/");
    assertThat(r[0]).contains("no outbound network access");
    BindingUse refused = one(usesOf(r[1], 1), is("noout", "", "fetch"));
    check(refused, "fetch", "http://127.0.0.1:9/steal", Outcome.REFUSED);
  }

  @Test void oneUsePerCallUnderLoad() throws Exception {
    String[] r = get("http", "/many?n=40");
    assertThat(r[0]).isEqualTo("200 ok");
    List<BindingUse> list = usesOf(r[1], 40);
    assertThat(list).hasSize(40);
    assertThat(list).extracting(BindingUse::target).doesNotHaveDuplicates();
  }
}
