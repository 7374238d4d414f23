import { cook } from 'burrito-shop-internal:kitchen'; export function order() { return cook(); }
