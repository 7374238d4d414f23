package dev.capmesh.testing.s3;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.jspecify.annotations.Nullable;

/**
 * A real S3-compatible server (s3proxy over an in-memory blob store) on 127.0.0.1 and a free
 * port, checking AWS signatures (V2 or V4) against one access key and secret at a time: a
 * request signed with any other key is refused. Tests may change the accepted key while it
 * runs ({@link #rotateCredentials}), stop it and start it again on the same port with the same
 * objects ({@link #stop}, {@link #start}), and make it hold every request until released
 * ({@link #stall}). For tests only. Thread-safe.
 */
public final class S3TestServer implements AutoCloseable {
  private final BlobStore store = new TransientNio2BlobStore();
  private final int port;
  private volatile String accessKey;
  private volatile String secretKey;
  private volatile @Nullable CountDownLatch stalled;
  private @Nullable S3Proxy proxy;

  /**
   * Runs a server for scripts (benchmarks): {@code S3TestServer PORT BUCKET...}, with the key in
   * the environment variables {@code S3_ACCESS_KEY_ID} and {@code S3_SECRET_ACCESS_KEY}. Prints
   * {@code ready URL} once it serves, and runs until killed.
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: S3TestServer PORT [BUCKET...]");
      System.exit(2);
    }
    String key = System.getenv("S3_ACCESS_KEY_ID");
    String secret = System.getenv("S3_SECRET_ACCESS_KEY");
    if (key == null || secret == null) {
      System.err.println("set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY");
      System.exit(2);
    }
    var server = new S3TestServer(Integer.parseInt(args[0]), key, secret);
    server.start();
    for (int i = 1; i < args.length; i++) {
      server.createBucket(args[i]);
    }
    System.out.println("ready " + server.endpoint());
    System.out.flush();
    Thread.currentThread().join();
  }

  private S3TestServer(int port, String accessKey, String secretKey) {
    this.port = port;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** Starts a server accepting requests signed with {@code accessKey} and {@code secretKey}. */
  public static S3TestServer start(String accessKey, String secretKey) {
    var server = new S3TestServer(freePort(), requireNonNull(accessKey, "accessKey"),
        requireNonNull(secretKey, "secretKey"));
    server.start();
    return server;
  }

  private static int freePort() {
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server (again) on its port; the objects stored before a stop are still there. */
  public synchronized void start() {
    if (proxy != null) {
      return;
    }
    S3Proxy p = S3Proxy.builder()
        .blobStore(store)
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
        .stopTimeout(0)
        .build();
    // Every request asks the locator for the blob store of its access key: the key accepted
    // right now, and a place to hold requests while the test stalls the server.
    p.setBlobStoreLocator((identity, container, blob) -> {
      CountDownLatch gate = stalled;
      if (gate != null) {
        try {
          gate.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return accessKey.equals(identity) ? new AccessGrant(secretKey, store) : null;
    });
    try {
      p.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!"STARTED".equals(p.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("s3proxy did not start on port " + port);
        }
        Thread.sleep(5);
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not start on port " + port, e);
    }
    proxy = p;
  }

  /** Stops the server: connections are refused until {@link #start}. */
  public synchronized void stop() {
    S3Proxy p = proxy;
    proxy = null;
    if (p != null) {
      try {
        p.stop();
      } catch (Exception e) {
        throw new IllegalStateException("s3proxy did not stop", e);
      }
    }
  }

  /** Whether the server is accepting connections. */
  public synchronized boolean isRunning() {
    return proxy != null;
  }

  /** From now on only requests signed with this key are accepted. */
  public void rotateCredentials(String newAccessKey, String newSecretKey) {
    secretKey = requireNonNull(newSecretKey, "newSecretKey");
    accessKey = requireNonNull(newAccessKey, "newAccessKey");
  }

  /** Holds every request from now on (the connection stays open, nothing answers) until {@link #release}. */
  public void stall() {
    if (stalled == null) {
      stalled = new CountDownLatch(1);
    }
  }

  /** Lets held and later requests through. */
  public void release() {
    CountDownLatch gate = stalled;
    stalled = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  /** Creates a bucket directly in the store. */
  public void createBucket(String name) {
    store.createContainer(name);
  }

  /** The server's URL, {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  @Override public void close() {
    release();
    stop();
  }
}
