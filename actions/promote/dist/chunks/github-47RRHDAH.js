import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);
import{d as a,e as b}from"./chunk-6XYXBA5C.js";export{a as context,b as getOctokit};
