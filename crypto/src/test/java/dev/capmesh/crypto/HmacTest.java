package dev.capmesh.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * HMAC keeps one keyed Mac per key and clones it for each operation: the state of one operation
 * must never leak into another, on one thread or on several at once (RFC 4231 cases 1 and 2).
 */
class HmacTest {
  private static final Subtle SUBTLE = new Subtle(new SecureRandom());
  private static final byte[] KEY1 = HexFormat.of().parseHex("0b".repeat(20));
  private static final byte[] MSG1 = "Hi There".getBytes(StandardCharsets.US_ASCII);
  private static final String MAC1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  private static final byte[] MSG2 = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);

  private static CryptoKeyObject key(byte[] raw) {
    return SUBTLE.importKey("raw", raw, Params.of(Map.of("name", "HMAC", "hash", "SHA-256")), false,
        List.of("sign", "verify"));
  }

  private static String sign(CryptoKeyObject key, byte[] data) {
    return HexFormat.of().formatHex(SUBTLE.sign(Params.named("HMAC"), key, data));
  }

  @Test void repeatedOperationsOnOneKeyAreIndependent() {
    CryptoKeyObject k = key(KEY1);
    String other = sign(k, MSG2);
    assertThat(other).isNotEqualTo(MAC1);
    for (int i = 0; i < 3; i++) {
      assertThat(sign(k, MSG1)).isEqualTo(MAC1);
      assertThat(sign(k, MSG2)).isEqualTo(other);
    }
    byte[] mac = HexFormat.of().parseHex(MAC1);
    assertThat(SUBTLE.verify(Params.named("HMAC"), k, mac, MSG1)).isTrue();
    assertThat(SUBTLE.verify(Params.named("HMAC"), k, mac, MSG2)).isFalse();
    assertThat(sign(key("Jefe".getBytes(StandardCharsets.US_ASCII)), MSG2))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test void threadsSharingOneKeyGetTheRightMacs() throws Exception {
    CryptoKeyObject k = key(KEY1);
    String other = sign(key(KEY1), MSG2);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      var results = new ArrayList<CompletableFuture<Integer>>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        results.add(CompletableFuture.supplyAsync(() -> {
          int wrong = 0;
          for (int i = 0; i < 5_000; i++) {
            boolean one = (i + first) % 2 == 0;
            if (!sign(k, one ? MSG1 : MSG2).equals(one ? MAC1 : other)) {
              wrong++;
            }
          }
          return wrong;
        }, pool));
      }
      for (var r : results) {
        assertThat(r.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
