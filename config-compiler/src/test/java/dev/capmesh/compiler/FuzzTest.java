package dev.capmesh.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.capmesh.compiler.source.Source;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Robustness: mutated corpus configs, random bytes, deep nesting and huge literals must produce
 * either a compiled (parsed, resolved and encoded) config or compile errors — never another exception, a hang or running out of
 * memory. A short slice runs in the normal suite; {@code -Plong} runs it for 60 seconds.
 */
class FuzzTest {
  private static final ConfigCompiler COMPILER = ConfigCompiler.create();
  private static final String[] TOKENS = {
      "(", ")", "[", "]", "{", "}", ";", ":", ",", "=", ".", "$", "@", "-", "\"", "0x\"",
      "embed ", "import ", "const ", "struct ", "union ", "group ", "using ", "inherit",
      "void", "true", "inf", "nan", "-9223372036854775809", "18446744073709551616", "1e999",
      "0x", "\\", "\\x", "#", "\n", "\u0000", "\uFFFF", "é", "worker = .", "(name = \"x\")",
  };

  private static List<String> seeds;
  private static ExecutorService executor;

  @BeforeAll
  static void loadSeeds() throws IOException, URISyntaxException {
    Path root = Path.of(FuzzTest.class.getResource("/conformance").toURI());
    seeds = new ArrayList<>();
    try (var dirs = Files.list(root)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        String text = Files.readString(dir.resolve("config.capnp"));
        if (text.length() < 20_000) {
          seeds.add(text);
        }
      }
    }
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(null, r, "fuzz", 64L << 20);
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
  }

  @Test
  void shortSlice() throws Exception {
    int runs = fuzz(new Random(20261123L), Duration.ofSeconds(4));
    assertThat(runs).isGreaterThan(100);
  }

  @Test
  @Tag("long")
  void sixtySeconds() throws Exception {
    long seed = System.nanoTime();
    System.out.println("fuzz seed " + seed);
    int runs = fuzz(new Random(seed), Duration.ofSeconds(60));
    System.out.println("fuzz runs " + runs);
    assertThat(runs).isGreaterThan(1000);
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() throws Exception {
    for (String open : List.of("(", "[", "(a = ")) {
      String text = "const x :Text = " + open.repeat(100_000) + ";";
      assertCompilesOrReportsErrors(text);
    }
  }

  @Test
  void hugeLiteralsAreHandled() throws Exception {
    assertCompilesOrReportsErrors("const x :Text = \"" + "a".repeat(5_000_000) + "\";");
    assertCompilesOrReportsErrors("const x :UInt64 = " + "9".repeat(100_000) + ";");
    assertCompilesOrReportsErrors("const x :Data = 0x\"" + "ab".repeat(1_000_000) + "\";");
    assertCompilesOrReportsErrors("const x :List(Text) = [" + "\"x\",".repeat(200_000) + "];");
  }

  private int fuzz(Random random, Duration budget) throws Exception {
    long deadline = System.nanoTime() + budget.toNanos();
    int runs = 0;
    while (System.nanoTime() < deadline) {
      String text = switch (random.nextInt(10)) {
        case 0 -> randomBytes(random);
        case 1 -> tokenSoup(random);
        default -> mutate(seeds.get(random.nextInt(seeds.size())), random);
      };
      assertCompilesOrReportsErrors(text);
      runs++;
    }
    return runs;
  }

  private static String randomBytes(Random random) {
    var sb = new StringBuilder();
    int n = random.nextInt(400);
    for (int i = 0; i < n; i++) {
      sb.append((char) random.nextInt(random.nextBoolean() ? 128 : 0xD7FF));
    }
    return sb.toString();
  }

  private static String tokenSoup(Random random) {
    var sb = new StringBuilder("using W = import \"/workerd/workerd.capnp\";\nconst c :W.Config = ");
    int n = random.nextInt(200);
    for (int i = 0; i < n; i++) {
      sb.append(TOKENS[random.nextInt(TOKENS.length)]);
    }
    return sb.toString();
  }

  private static String mutate(String seed, Random random) {
    var sb = new StringBuilder(seed);
    int edits = 1 + random.nextInt(6);
    for (int i = 0; i < edits && !sb.isEmpty(); i++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(5)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 2 -> sb.setCharAt(at, (char) (32 + random.nextInt(95)));
        case 3 -> {
          int end = Math.min(sb.length(), at + random.nextInt(200));
          sb.insert(random.nextInt(sb.length()), sb.substring(at, end));
        }
        default -> sb.delete(at, Math.min(sb.length(), at + random.nextInt(50)));
      }
    }
    return sb.toString();
  }

  private static void assertCompilesOrReportsErrors(String text) throws Exception {
    Future<?> result = executor.submit(() -> {
      try {
        ParsedConfig parsed = COMPILER.parse(Source.of("fuzz.capnp", text), Path.of("."), null);
        CompiledConfig compiled = COMPILER.compile(parsed);
        assertThat(compiled.binary()).isNotEmpty();
      } catch (ConfigException e) {
        assertThat(e.diagnostics()).isNotEmpty();
        assertThat(e.format()).contains("fuzz.capnp:");
      }
      return null;
    });
    try {
      result.get(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      fail("compiler hung on input:\n" + abbreviate(text));
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("compiler crashed on input:\n" + abbreviate(text), e.getCause());
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 2000 ? text : text.substring(0, 2000) + "... (" + text.length() + " chars)";
  }
}
