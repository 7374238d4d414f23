package dev.capmesh.schema.model;

import java.util.List;
import java.util.Optional;

/** What a {@link Service} is: one member of workerd's {@code Service} union, plus capmesh's. */
public sealed interface ServiceKind {

  /** The schema name of the union member ({@code worker}, {@code network}, {@code kv}, ...). */
  String kindName();

  /** No kind was given (workerd rejects such services, and so does capmesh). */
  record Unspecified() implements ServiceKind {
    @Override public String kindName() {
      return "unspecified";
    }
  }

  /** A JavaScript worker. */
  record WorkerService(Worker worker) implements ServiceKind {
    public WorkerService {
      Checks.nonNull(worker, "worker");
    }

    @Override public String kindName() {
      return "worker";
    }
  }

  /**
   * Network egress limited by address.
   *
   * @param allow CIDRs or the keywords {@code public}, {@code private}, {@code local},
   *     {@code network}, {@code unix}, {@code unix-abstract}
   * @param deny same syntax; wins over an allow that is no more specific
   * @param tlsOptions TLS settings for HTTPS made through it
   */
  record NetworkService(List<String> allow, List<String> deny, Optional<TlsOptions> tlsOptions)
      implements ServiceKind {
    public NetworkService {
      allow = Checks.list(allow, "allow");
      deny = Checks.list(deny, "deny");
      Checks.opt(tlsOptions, "tlsOptions");
    }

    @Override public String kindName() {
      return "network";
    }
  }

  /**
   * One fixed remote server.
   *
   * @param address {@code host:port}
   * @param protocol how to talk to it
   */
  record ExternalService(String address, ExternalProtocol protocol) implements ServiceKind {
    public ExternalService {
      Checks.nonNull(address, "address");
      Checks.nonNull(protocol, "protocol");
    }

    @Override public String kindName() {
      return "external";
    }
  }

  /** How an external server is spoken to. */
  sealed interface ExternalProtocol {}

  /** Plain HTTP. */
  record ExternalHttp(HttpOptions options) implements ExternalProtocol {
    public ExternalHttp {
      Checks.nonNull(options, "options");
    }
  }

  /** HTTPS, optionally checking the certificate against another host name. */
  record ExternalHttps(HttpOptions options, Optional<TlsOptions> tlsOptions,
      Optional<String> certificateHost) implements ExternalProtocol {
    public ExternalHttps {
      Checks.nonNull(options, "options");
      Checks.opt(tlsOptions, "tlsOptions");
      Checks.opt(certificateHost, "certificateHost");
    }
  }

  /** Raw TCP (for {@code connect()}), optionally with TLS. */
  record ExternalTcp(Optional<TlsOptions> tlsOptions, Optional<String> certificateHost)
      implements ExternalProtocol {
    public ExternalTcp {
      Checks.opt(tlsOptions, "tlsOptions");
      Checks.opt(certificateHost, "certificateHost");
    }
  }

  /**
   * Static files from a directory.
   *
   * @param path the directory
   * @param writable whether PUT and DELETE are allowed
   * @param allowDotfiles whether names starting with a dot are served
   */
  record DiskService(String path, boolean writable, boolean allowDotfiles) implements ServiceKind {
    public DiskService {
      Checks.nonNull(path, "path");
    }

    @Override public String kindName() {
      return "disk";
    }
  }

  /** A KV namespace (capmesh extension) and where its data lives. */
  record KvService(KvBackend backend) implements ServiceKind {
    public KvService {
      Checks.nonNull(backend, "backend");
    }

    @Override public String kindName() {
      return "kv";
    }
  }

  /** Where a KV namespace's data lives. */
  sealed interface KvBackend {}

  /** A local directory store; empty path means the runner's data directory. */
  record KvEmbedded(Optional<String> path) implements KvBackend {
    public KvEmbedded {
      Checks.opt(path, "path");
    }
  }

  /**
   * Redis.
   *
   * @param url {@code redis://} or {@code rediss://} URL (standalone or cluster)
   * @param keyPrefix prefix for every key of this namespace
   * @param passwordEnv the runner's environment variable holding the password, if any
   */
  record KvRedis(String url, Optional<String> keyPrefix, Optional<String> passwordEnv)
      implements KvBackend {
    public KvRedis {
      Checks.nonNull(url, "url");
      Checks.opt(keyPrefix, "keyPrefix");
      Checks.opt(passwordEnv, "passwordEnv");
    }
  }

  /** Object storage (capmesh extension) and where its objects live. */
  record StorageService(StorageBackend backend) implements ServiceKind {
    public StorageService {
      Checks.nonNull(backend, "backend");
    }

    @Override public String kindName() {
      return "storage";
    }
  }

  /** Where a storage service's objects live. */
  sealed interface StorageBackend {}

  /** A local directory; empty path means the runner's data directory. */
  record StorageEmbedded(Optional<String> path) implements StorageBackend {
    public StorageEmbedded {
      Checks.opt(path, "path");
    }
  }

  /**
   * An S3-compatible bucket. Credentials are never in the config: only the names of the runner's
   * environment variables or a credentials file.
   */
  record StorageS3(Optional<String> endpoint, Optional<String> region, String bucket,
      boolean pathStyle, Optional<String> accessKeyIdEnv, Optional<String> secretAccessKeyEnv,
      Optional<String> credentialsFile) implements StorageBackend {
    public StorageS3 {
      Checks.opt(endpoint, "endpoint");
      Checks.opt(region, "region");
      Checks.nonNull(bucket, "bucket");
      Checks.opt(accessKeyIdEnv, "accessKeyIdEnv");
      Checks.opt(secretAccessKeyEnv, "secretAccessKeyEnv");
      Checks.opt(credentialsFile, "credentialsFile");
    }
  }

  /** workerd's cluster bucket (compiles; the runner refuses it). */
  record BucketService(String path) implements ServiceKind {
    public BucketService {
      Checks.nonNull(path, "path");
    }

    @Override public String kindName() {
      return "bucket";
    }
  }

  /** workerd's static assets service (compiles; the runner refuses it). */
  record AssetsService(String path, Optional<String> config, Optional<ServiceDesignator> userWorker,
      Optional<String> compatibilityDate, List<String> compatibilityFlags) implements ServiceKind {
    public AssetsService {
      Checks.nonNull(path, "path");
      Checks.opt(config, "config");
      Checks.opt(userWorker, "userWorker");
      Checks.opt(compatibilityDate, "compatibilityDate");
      compatibilityFlags = Checks.list(compatibilityFlags, "compatibilityFlags");
    }

    @Override public String kindName() {
      return "assets";
    }
  }
}
