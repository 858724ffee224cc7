import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);
import{e as a,f as b}from"./chunk-CGRJKMO6.js";export{a as context,b as getOctokit};
