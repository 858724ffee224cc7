import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);
import{c as a,d as b}from"./chunk-R62HHDHL.js";export{a as context,b as getOctokit};
