# Storage services on S3-compatible stores: env credentials and a credentials file.
using Capmesh = import "/capmesh/capmesh.capnp";

const config :Capmesh.Config = (
  services = [
    (name = "app", worker = (
      modules = [ (name = "app.js", esModule = "export default {};") ],
      compatibilityDate = "2024-06-01",
      bindings = [ (name = "ASSETS", r2Bucket = (name = "assets")), (name = "BACKUPS", r2Bucket = (name = "backups")) ],
    )),
    (name = "assets", storage = (s3 = (
      endpoint = "http://127.0.0.1:9000",
      region = "us-east-1",
      bucket = "assets",
      pathStyle = true,
      accessKeyIdEnv = "S3_ACCESS_KEY_ID",
      secretAccessKeyEnv = "S3_SECRET_ACCESS_KEY",
    ))),
    (name = "backups", storage = (s3 = (
      region = "eu-central-1",
      bucket = "company-backups",
      pathStyle = false,
      credentialsFile = "/etc/capmesh/aws-credentials",
    ))),
  ],
);
