package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import dev.capmesh.runner.observe.BindingUse;
import dev.capmesh.runner.observe.BindingUse.Outcome;

/** {@code env.STORAGE} as a worker sees it, through a real runner over real HTTP. */
class StorageBindingTest {
  @TempDir Path dir;
  private Runner runner;
  private ListAppender<ILoggingEvent> console;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  @BeforeEach void setUp() throws Exception {
    for (String name : List.of("worker.js", "peer.js")) {
      try (InputStream in = StorageBindingTest.class.getResourceAsStream("/storage/" + name)) {
        Files.write(dir.resolve(name), in.readAllBytes());
      }
    }
    console = new ListAppender<>();
    console.start();
    var logger = (Logger) LoggerFactory.getLogger("dev.capmesh.runner.js.console");
    logger.setLevel(Level.DEBUG);
    logger.addAppender(console);
  }

  @AfterEach void tearDown() {
    if (runner != null) {
      runner.close();
    }
    ((Logger) LoggerFactory.getLogger("dev.capmesh.runner.js.console")).detachAppender(console);
  }

  /** A config whose worker "main" binds STORAGE to service "bucket" with this storage spec. */
  static String config(String storageSpec, String extraBindings, String extraServices) {
    return """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "main", worker = (modules = [(name = "worker.js", esModule = embed "worker.js")],
                compatibilityDate = "2024-09-01",
                bindings = [(name = "STORAGE", r2Bucket = "bucket"), (name = "PEER", service = "peer")EXTRA])),
            (name = "peer", worker = (modules = [(name = "peer.js", esModule = embed "peer.js")],
                compatibilityDate = "2024-09-01")),
            (name = "bucket", storage = SPEC),SERVICES
          ],
          sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
        );
        """.replace("SPEC", storageSpec).replace("EXTRA", extraBindings).replace("SERVICES", extraServices);
  }

  private final java.util.concurrent.ConcurrentLinkedQueue<BindingUse> uses = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private void start(String configText) throws Exception {
    var options = new RunnerOptions(dir, Map.of("http", "127.0.0.1:0"),
        dev.capmesh.runner.js.JsLimits.defaults().withCpuPerRequest(Duration.ofSeconds(10)), 1, 64L << 20,
        dev.capmesh.runner.http.ConnectionLimits.defaults(), ResourceOptions.defaults(dir))
        .withBindingListener(uses::add);
    runner = Runner.start(TestRunners.plan(TestRunners.compile(dir, configText)), options);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + runner.listening().get("http").getPort() + path);
  }

  /** The "name=JSON" lines a scenario answers, by name. */
  private Map<String, String> call(String path) throws Exception {
    String response = TestRunners.get(runner, "http", path);
    assertThat(response).startsWith("200 ");
    var out = new LinkedHashMap<String, String>();
    for (String line : response.substring(4).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void everyMethodWorksFromTheWorker() throws Exception {
    start(config("(embedded = (path = \"data/bucket\"))", "", ""));
    Map<String, String> r = call("/api");
    assertThat(r.get("put")).contains("\"key\":\"docs/héllo.txt\"", "\"size\":13", "\"version\":\"string\"",
        "\"uploaded\":true", "\"httpMetadata\":{\"contentType\":\"text/plain; charset=utf-8\",\"cacheControl\":\"max-age=60\","
        + "\"cacheExpiry\":\"2037-01-02T00:00:00.000Z\"}", "\"customMetadata\":{\"owner\":\"ädmin\",\"n\":\"1\"}",
        "\"storageClass\":\"Standard\"", "\"hasBody\":false", "[object R2Object]");
    assertThat(r.get("put")).contains("\"etag\":\"" + md5Hex("héllo wörld") + "\"",
        "\"httpEtag\":\"\\\"" + md5Hex("héllo wörld") + "\\\"\"");
    assertThat(r.get("get")).contains("\"hasBody\":true", "[object R2ObjectBody]", "\"size\":13");
    assertThat(r.get("bodyUsedBefore")).isEqualTo("false");
    assertThat(r.get("text")).isEqualTo("\"héllo wörld\"");
    assertThat(r.get("bodyUsedAfter")).isEqualTo("true");
    assertThat(r.get("again")).contains("TypeError", "Body has already been used");
    assertThat(r.get("json")).isEqualTo("{\"a\":[1,2]}");
    assertThat(r.get("arrayBuffer")).isEqualTo("\"" + HexFormat.of().formatHex("{\"a\":[1,2]}".getBytes()) + "\"");
    assertThat(r.get("bytes")).isEqualTo("11");
    assertThat(r.get("stream")).isEqualTo("\"héllo wörld\"");
    assertThat(r.get("head")).contains("\"hasBody\":false", "[object R2Object]", "\"customMetadata\":{\"owner\":\"ädmin\",\"n\":\"1\"}");
    assertThat(r.get("missingGet")).isEqualTo("null");
    assertThat(r.get("missingHead")).isEqualTo("null");
    assertThat(r.get("written")).isEqualTo("[[\"cache-control\",\"max-age=60\"],[\"content-type\",\"text/plain; charset=utf-8\"],"
        + "[\"expires\",\"Fri, 02 Jan 2037 00:00:00 GMT\"]]");
    assertThat(r.get("buf")).isEqualTo("[0,1,255]");
    assertThat(r.get("view")).isEqualTo("[8,7]");
    assertThat(r.get("streamed")).isEqualTo("\"abcd\"");
    assertThat(r.get("nullValue")).isEqualTo("0");
    assertThat(r.get("emptyText")).isEqualTo("\"\"");
    assertThat(r.get("headersMeta")).isEqualTo("{\"contentType\":\"image/png\",\"contentLanguage\":\"de\"}");
    assertThat(r.get("sha256")).isEqualTo("{\"md5\":\"" + md5Hex("sum") + "\",\"sha256\":\"" + sha256("sum".getBytes()) + "\"}");
    assertThat(r.get("sha256Buffer")).isEqualTo("[\"md5\",\"sha256\"]");
    assertThat(r.get("badSum")).contains("\"error\":\"Error\"", "R2 binding \\\"STORAGE\\\": put failed: the sha256 checksum of the received bytes");
    assertThat(r.get("badSumStored")).isEqualTo("null");
    assertThat(r.get("list")).isEqualTo("{\"keys\":[\"buf\",\"docs/héllo.txt\",\"hm\",\"j\",\"null\",\"streamed\",\"sum\","
        + "\"sum2\",\"view\"],\"truncated\":false,\"cursor\":false,\"prefixes\":[]}");
    assertThat(r.get("listInclude")).isEqualTo("[[\"text/plain; charset=utf-8\",\"ädmin\"]]");
    assertThat(r.get("listDelimiter")).isEqualTo("[[\"buf\",\"hm\",\"j\",\"null\",\"streamed\",\"sum\",\"sum2\",\"view\"],[\"docs/\"]]");
    assertThat(r.get("pages")).isEqualTo("[[\"buf\",\"docs/héllo.txt\",\"hm\"],true,[\"j\",\"null\",\"streamed\",\"sum\",\"sum2\",\"view\"],false]");
    assertThat(r.get("startAfter")).isEqualTo("[\"sum2\"]");
    assertThat(r.get("afterDelete")).isEqualTo("[\"docs/héllo.txt\",\"hm\",\"null\",\"streamed\",\"sum\",\"sum2\"]");
    assertThat(r.get("stringified")).contains("\"key\":\"sum\"", "\"checksums\":{\"md5\":", "\"uploaded\":\"20");
    assertThat(r.get("blobPut")).isEqualTo("\"blob\"");
    assertThat(r.get("blob")).isEqualTo("[\"image/png\",\"x\"]");
    assertThat(r.get("bodyUsedAfterRead")).isEqualTo("true");
    assertThat(dir.resolve("data/bucket/objects")).isDirectory();
  }

  private static String md5Hex(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void rangesAndConditionsThroughTheApi() throws Exception {
    start(config("(embedded = ())", "", ""));
    Map<String, String> r = call("/ranges");
    assertThat(r.get("offsetLength")).isEqualTo("[\"234\",{\"offset\":2,\"length\":3}]");
    assertThat(r.get("offset")).isEqualTo("[\"789\",{\"offset\":7,\"length\":3}]");
    assertThat(r.get("length")).isEqualTo("[\"01\",{\"offset\":0,\"length\":2}]");
    assertThat(r.get("suffix")).isEqualTo("[\"6789\",{\"offset\":6,\"length\":4}]");
    assertThat(r.get("clamped")).isEqualTo("[\"89\",{\"offset\":8,\"length\":2}]");
    assertThat(r.get("header")).isEqualTo("[\"12\",{\"offset\":1,\"length\":2}]");
    assertThat(r.get("headerSuffix")).isEqualTo("[\"9\",{\"offset\":9,\"length\":1}]");
    assertThat(r.get("past")).contains("\"error\":\"Error\"", "get failed: the requested range is not satisfiable: the object is 10 bytes");
    assertThat(r.get("both")).contains("TypeError", "a range has either a suffix, or an offset and/or a length");
    assertThat(r.get("negative")).contains("TypeError", "range.offset must be an integer >= 0");
    assertThat(r.get("badHeader")).contains("TypeError", "is not one byte range");
    assertThat(r.get("matches")).isEqualTo("\"body\"");
    assertThat(r.get("matchesQuoted")).isEqualTo("\"body\"");
    assertThat(r.get("matchesOther")).isEqualTo("\"object\"");
    assertThat(r.get("doesNotMatch")).isEqualTo("\"object\"");
    assertThat(r.get("doesNotMatchStar")).isEqualTo("\"object\"");
    assertThat(r.get("before")).isEqualTo("\"object\"");
    assertThat(r.get("after")).isEqualTo("\"body\"");
    assertThat(r.get("headersNoneMatch")).isEqualTo("\"object\"");
    assertThat(r.get("headersMatch")).isEqualTo("\"body\"");
    assertThat(r.get("headersModified")).isEqualTo("\"object\"");
    assertThat(r.get("badDate")).contains("TypeError", "onlyIf.uploadedBefore must be a Date");
    assertThat(r.get("putIfAbsent")).isEqualTo("null");
    assertThat(r.get("putIfMatch")).isEqualTo("3");
    assertThat(r.get("after2")).isEqualTo("\"new\"");
  }

  @Test
  void fetchOnTheBindingServesObjectsByPath() throws Exception {
    start(config("(embedded = ())", "", ""));
    Map<String, String> r = call("/fetch");
    assertThat(r.get("put")).isEqualTo("[200,true,null]");
    assertThat(r.get("get")).isEqualTo("[200,true,\"{\\\"a\\\":1}\"]");
    assertThat(r.get("relative")).isEqualTo(r.get("get"));
    assertThat(r.get("absolute")).isEqualTo(r.get("get"));
    assertThat(r.get("request")).isEqualTo(r.get("get"));
    assertThat(r.get("headers")).isEqualTo("[\"application/json\",\"7\",\"bytes\",true]");
    assertThat(r.get("range")).isEqualTo("[206,true,\"\\\"a\\\"\"]");
    assertThat(r.get("rangeHeader")).isEqualTo("\"bytes 1-3/7\"");
    assertThat(r.get("unsatisfiable")).isEqualTo("[416,false,null]");
    assertThat(r.get("notModified")).isEqualTo("[304,true,null]");
    assertThat(r.get("preconditionFailed")).isEqualTo("[412,false,null]");
    assertThat(r.get("head")).isEqualTo("[200,true,null]");
    assertThat(r.get("headLength")).isEqualTo("\"7\"");
    assertThat(r.get("spacesKey")).isEqualTo("\"a b\"");
    assertThat(r.get("streamedPut")).isEqualTo("[200,true,null]");
    assertThat(r.get("post")).startsWith("[405,false,");
    assertThat(r.get("allow")).isEqualTo("\"GET, HEAD, PUT, DELETE\"");
    assertThat(r.get("root")).startsWith("[400,false,\"the path names no object");
    assertThat(r.get("delete")).isEqualTo("[204,false,null]");
    assertThat(r.get("gone")).isEqualTo("[404,false,null]");
  }

  @Test
  void bodiesStreamThroughTheWorkerBothWays() throws Exception {
    start(config("(embedded = ())", "", ""));
    byte[] data = new byte[24 << 20];
    new Random(5).nextBytes(data);
    HttpResponse<String> put = client.send(HttpRequest.newBuilder(uri("/stream/blob"))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).timeout(Duration.ofSeconds(120)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.body()).isEqualTo("{\"size\":" + data.length + ",\"etag\":\"" + HexFormat.of().formatHex(
        MessageDigest.getInstance("MD5").digest(data)) + "\"}");
    HttpResponse<byte[]> get = client.send(HttpRequest.newBuilder(uri("/stream/blob")).timeout(Duration.ofSeconds(120)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(sha256(get.body())).isEqualTo(sha256(data));

    // The same through env.STORAGE.fetch: a ranged GET and a conditional one.
    HttpResponse<byte[]> ranged = client.send(HttpRequest.newBuilder(uri("/via/blob")).header("Range", "bytes=100-199")
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(ranged.statusCode()).isEqualTo(206);
    assertThat(ranged.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 200));
    String etag = get.headers().firstValue("etag").orElseThrow();
    assertThat(client.send(HttpRequest.newBuilder(uri("/via/blob")).header("If-None-Match", etag).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(304);
    HttpResponse<String> viaPut = client.send(HttpRequest.newBuilder(uri("/via/copy"))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).header("Content-Type", "application/x-test").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(viaPut.statusCode()).isEqualTo(200);
    assertThat(viaPut.headers().firstValue("etag")).contains(etag);
  }

  @Test
  void everyLimitRejectsNamingTheLimitAndBrokenStreamsStoreNothing() throws Exception {
    start(config("(embedded = ())", "", ""));
    Map<String, String> r = call("/limits");
    assertThat(r.get("key1025")).contains("TypeError", "R2 binding \\\"STORAGE\\\": put failed: the key is 1025 bytes in UTF-8, over the key length limit of 1024 bytes");
    assertThat(r.get("key1024")).isEqualTo("{\"ok\":1}");
    assertThat(r.get("empty")).contains("TypeError", "the key is empty");
    assertThat(r.get("loneSurrogate")).contains("TypeError", "not well-formed Unicode");
    assertThat(r.get("symbolKey")).contains("TypeError", "R2 key must be a string, not a symbol");
    assertThat(r.get("objectKey")).isEqualTo("{\"ok\":\"../../etc/passwd\"}");
    assertThat(r.get("numberKey")).isEqualTo("{\"ok\":\"42\"}");
    assertThat(r.get("custom2049")).contains("TypeError", "the customMetadata is 2049 bytes (names and values in UTF-8), over the customMetadata size limit of 2048 bytes");
    assertThat(r.get("custom2048")).isEqualTo("{\"ok\":[\"k\"]}");
    assertThat(r.get("crlf")).contains("TypeError", "httpMetadata.contentType holds a control character");
    assertThat(r.get("twoSums")).contains("TypeError", "give at most one checksum");
    assertThat(r.get("shortSum")).contains("TypeError", "the md5 checksum must be 16 bytes (32 hex digits)");
    assertThat(r.get("listLimit")).contains("TypeError", "limit 1001 is invalid; the list limit is an integer from 1 to 1000");
    assertThat(r.get("listLimitHuge")).contains("TypeError", "the list limit is an integer from 1 to 1000");
    assertThat(r.get("listLimitZero")).contains("TypeError", "limit 0 is invalid");
    assertThat(r.get("include")).contains("TypeError", "include holds \\\"everything\\\"");
    assertThat(r.get("cursor")).contains("TypeError", "the cursor is not one a list() of this bucket returned");
    assertThat(r.get("deleteMany")).contains("TypeError", "1001 keys given; one delete removes at most 1000 keys");
    assertThat(r.get("valueType")).contains("TypeError", "the value must be a string, ArrayBuffer, ArrayBufferView, ReadableStream, Blob or null");
    assertThat(r.get("ssec")).contains("TypeError", "ssecKey");
    assertThat(r.get("options")).contains("TypeError", "options must be an object");
    assertThat(r.get("brokenStream")).contains("\"error\":\"Error\"", "R2 binding \\\"STORAGE\\\": put failed:", "the stream broke midway");
    assertThat(r.get("brokenStored")).isEqualTo("null");
    assertThat(r.get("badChunk")).contains("put failed");
    assertThat(r.get("badChunkStored")).isEqualTo("null");
    assertThat(r.get("locked")).contains("TypeError", "locked");
    Map<String, String> many = call("/tooMany");
    assertThat(many).containsEntry("okCount", "1000");
    assertThat(many.get("last")).contains("R2 binding \\\"STORAGE\\\": too many R2 operations: a request may make at most 1000 (request id ");
  }

  @Test
  void theBindingLeaksNothingAndCannotBeRebuiltOrPassedOn() throws Exception {
    start(config("(embedded = (path = \"secret-dir-7f3a9c\"))", "", ""));
    String body = TestRunners.get(runner, "http", "/hostile");
    Map<String, String> r = call("/hostile");
    assertThat(r.get("text")).isEqualTo("\"v\"");
    assertThat(r.get("leakedObjects")).isEqualTo("[]");
    assertThat(r.get("stringify")).contains("\\\"STORAGE\\\":{}");
    assertThat(r.get("keys")).isEqualTo("[]");
    assertThat(r.get("ownNames")).isEqualTo("[]");
    assertThat(r.get("string")).isEqualTo("\"[object R2Bucket]\"");
    assertThat(r.get("protoNames")).isEqualTo("[\"constructor\",\"delete\",\"fetch\",\"get\",\"head\",\"list\",\"put\"]");
    assertThat(r.get("construct")).contains("TypeError", "Illegal constructor");
    assertThat(r.get("constructWithString")).contains("TypeError", "Illegal constructor");
    assertThat(r.get("otherThis")).contains("TypeError");
    assertThat(r.get("otherThisFetch")).contains("TypeError");
    assertThat(r.get("clone")).contains("DataCloneError", "R2Bucket object could not be cloned");
    assertThat(r.get("cloneObject")).contains("DataCloneError", "R2Object object could not be cloned");
    assertThat(r.get("rpc")).contains("DataCloneError");
    assertThat(r.get("rpcInObject")).contains("DataCloneError");
    assertThat(r.get("rpcObject")).contains("DataCloneError");
    assertThat(r.get("thrown")).contains("R2 binding \\\"STORAGE\\\": get failed: the key is 2000 bytes");
    String logs = String.join("\n", console.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    for (String text : List.of(body, logs)) {
      assertThat(text).doesNotContain("secret-dir-7f3a9c").doesNotContain(dir.toString());
    }
    assertThat(console.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(l -> l.contains("STORAGE: R2Bucket { }") && l.endsWith("bucket is R2Bucket { }"));
    assertThat(dir.resolve("secret-dir-7f3a9c/objects")).isDirectory();
  }

  @Test
  void aBindingToADiskServiceKeepsAStoreInItsDirectory() throws Exception {
    Files.createDirectories(dir.resolve("files"));
    Files.createDirectories(dir.resolve("readonly"));
    start(config("(embedded = ())", ", (name = \"FILES\", r2Bucket = \"files\"), (name = \"RO\", r2Bucket = \"ro\")",
        "\n(name = \"files\", disk = (path = \"files\", writable = true)), (name = \"ro\", disk = (path = \"readonly\")),"));
    assertThat(call("/put?b=FILES&k=hello&v=world")).containsEntry("ok", "5");
    assertThat(call("/get?b=FILES&k=hello")).containsEntry("ok", "\"world\"");
    assertThat(dir.resolve("files/.capmesh-r2/objects")).isDirectory();
    assertThat(call("/put?b=RO&k=k&v=v").get("message"))
        .isEqualTo("\"R2 binding \\\"RO\\\": put failed: disk service \\\"ro\\\" is not writable\"");
    assertThat(call("/get?b=RO&k=k")).containsEntry("ok", "null");
    assertThat(dir.resolve("readonly/.capmesh-r2")).doesNotExist();
    // The bucket and the default one are separate.
    assertThat(call("/keys?b=STORAGE")).containsEntry("keys", "[]");
    assertThat(call("/keys?b=FILES")).containsEntry("keys", "[\"hello\"]");
  }

  @Test
  void everyR2OperationIsOneBindingUsePerKeyWithBytes() throws Exception {
    Files.createDirectories(dir.resolve("readonly"));
    start(config("(embedded = ())", ", (name = \"RO\", r2Bucket = \"ro\")",
        "\n(name = \"ro\", disk = (path = \"readonly\")),"));
    assertThat(call("/audit")).containsEntry("done", "true");
    List<BindingUse> r = uses.stream().filter(u -> u.binding().equals("STORAGE")).toList();
    assertThat(r).extracting(u -> u.operation() + " " + u.target() + " " + u.outcome() + " " + u.bytesIn()
        + " " + u.bytesOut()).containsExactly("put a OK 0 5", "get a OK 5 0", "head a OK 0 0", "list a OK 0 0",
        "get a OK 5 0", "delete a OK 0 0", "delete b OK 0 0");
    assertThat(r).allSatisfy(u -> {
      assertThat(u.kind()).isEqualTo("storage");
      assertThat(u.worker()).isEqualTo("main");
      assertThat(u.requestId()).isNotEmpty().isEqualTo(r.get(0).requestId());
    });
    uses.clear();
    assertThat(call("/put?b=RO&k=k&v=v").get("message")).contains("not writable");
    assertThat(uses).filteredOn(u -> u.binding().equals("RO")).extracting(u -> u.operation() + " " + u.outcome())
        .containsExactly("put DENIED");
    uses.clear();
    assertThat(call("/limits")).containsKey("key1025");
    assertThat(uses).filteredOn(u -> u.binding().equals("STORAGE") && u.target() != null
        && u.target().equals("k".repeat(1025))).extracting(BindingUse::outcome).containsExactly(Outcome.ERROR);
  }

  @Test
  void anUnreadBodyIsReleasedWhenItsRequestEnds() throws Exception {
    start(config("(embedded = ())", "", ""));
    assertThat(call("/leak?step=1")).containsEntry("bodyUsed", "false");
    // The file it held was closed when the first request ended; the body fails rather than
    // pretending the object ended early.
    assertThat(call("/leak?step=2").get("message")).contains("the object's body was cancelled before its end");
  }

  @Test
  void aWorkerWhoseBucketIsUnchangedIsKeptAcrossPlansAndOneWhoseBucketChangedIsRebuilt() throws Exception {
    String text = config("(embedded = (path = \"data/b\"))", "", "");
    start(text);
    assertThat(call("/put?k=kept&v=1")).containsEntry("ok", "1");
    assertThat(TestRunners.get(runner, "http", "/count")).isEqualTo("200 1");
    // Only the peer changes: main, bound to an unchanged bucket, keeps its context (and count).
    String peerChanged = text.replace("compatibilityDate = \"2024-09-01\")),", "compatibilityDate = \"2024-09-02\")),");
    assertThat(peerChanged).isNotEqualTo(text);
    runner.apply(TestRunners.plan(TestRunners.compile(dir, peerChanged)));
    assertThat(TestRunners.get(runner, "http", "/count")).isEqualTo("200 2");
    assertThat(call("/get?k=kept")).containsEntry("ok", "\"1\"");
    // The bucket moves: main is rebuilt on the new one.
    runner.apply(TestRunners.plan(TestRunners.compile(dir, peerChanged.replace("data/b", "data/c"))));
    assertThat(TestRunners.get(runner, "http", "/count")).isEqualTo("200 1");
    assertThat(call("/get?k=kept")).containsEntry("ok", "null");
    runner.apply(TestRunners.plan(TestRunners.compile(dir, peerChanged)));
    assertThat(call("/get?k=kept")).containsEntry("ok", "\"1\"");
  }
}
