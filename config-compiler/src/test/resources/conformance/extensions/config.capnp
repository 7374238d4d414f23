# Extensions providing internal and public modules to workers.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  extensions = [
    (modules = [
      (name = "burrito-shop:burrito-shop", esModule = embed "shop.js"),
      (name = "burrito-shop-internal:kitchen", internal = true, esModule = "export function cook() { return 'burrito'; }"),
    ]),
    (modules = [ (name = "other:thing", internal = false, esModule = "export const x = 1;") ]),
  ],
  services = [ (name = "shop", worker = (
    modules = [ (name = "w.js", esModule = "import { order } from 'burrito-shop:burrito-shop'; export default { fetch() { return new Response(order()); } };") ],
    compatibilityDate = "2023-02-28",
    bindings = [ (name = "shop", wrapped = (moduleName = "burrito-shop:binding", innerBindings = [ (name = "recipes", json = "[\"bean\"]") ])) ],
  )) ],
);
