# Long lists of structs: many services, sockets and headers.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "s01", disk = "/d/01"), (name = "s02", disk = "/d/02"), (name = "s03", disk = "/d/03"),
    (name = "s04", disk = "/d/04"), (name = "s05", disk = "/d/05"), (name = "s06", disk = "/d/06"),
    (name = "s07", disk = "/d/07"), (name = "s08", disk = "/d/08"), (name = "s09", disk = "/d/09"),
    (name = "s10", disk = "/d/10"), (name = "s11", disk = "/d/11"), (name = "s12", disk = "/d/12"),
    (name = "h", external = (address = "h:80", http = (
      injectRequestHeaders = [
        (name = "A", value = "1"), (name = "B", value = "2"), (name = "C", value = "3"),
        (name = "D", value = "4"), (name = "E", value = "5"), (name = "F", value = "6"),
      ],
      injectResponseHeaders = [ (name = "X", value = "x"), (name = "Y") ],
    ))),
  ],
  sockets = [
    (name = "p1", address = "*:8001", http = (), service = "s01"),
    (name = "p2", address = "*:8002", http = (), service = "s02"),
    (name = "p3", address = "*:8003", http = (), service = "s03"),
    (name = "p4", address = "*:8004", http = (), service = "s04"),
  ],
  v8Flags = ["--max-old-space-size=256", "--stack-size=900"],
  autogates = ["workerd-autogate-a", "workerd-autogate-b"],
);
