# Integer and float literal forms. Config has no signed or float fields, so the signed and
# float consts are evaluated but not part of the output; the unsigned ones are used.
using Workerd = import "/workerd/workerd.capnp";

const negative :Int32 = -42;
const minInt64 :Int64 = -9223372036854775808;
const maxUInt64 :UInt64 = 18446744073709551615;
const hexInt :UInt32 = 0x1F40;
const octalInt :UInt32 = 017;
const negHex :Int16 = -0x7fff;
const pi :Float64 = 3.14159;
const small :Float64 = 1e-3;
const big :Float32 = 6.02E23;
const negExp :Float64 = -2.5e+10;
const positiveInf :Float64 = inf;
const negativeInf :Float32 = -inf;
const notANumber :Float64 = nan;
const negZero :Float64 = -0.0;

const config :Workerd.Config = (
  cluster = (stopTimeoutMs = .hexInt, unsafeTimeDivisor = .octalInt),
  sockets = [ (name = "u", address = "*:9", udp = (idleTimeoutMs = 0, maxPendingBytes = 4294967295), service = "s") ],
  services = [ (name = "s", worker = (
    modules = [ (name = "s.js", esModule = "export default {};") ],
    compatibilityDate = "2024-01-01",
    bindings = [
      (name = "CACHE", memoryCache = (id = "c", limits = (maxKeys = 0xffffffff, maxValueSize = 0, maxTotalValueSize = .maxUInt64))),
      (name = "NUMS", json = "{\"neg\": -42, \"exp\": 1.5e-7, \"big\": 6.02E23}"),
    ],
  )) ],
);
