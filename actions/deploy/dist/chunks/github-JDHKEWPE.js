import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);
import{a,b}from"./chunk-LL4N7N73.js";import"./chunk-NPMIVA6L.js";export{a as context,b as getOctokit};
