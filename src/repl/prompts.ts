/**
 * The prompts the shell asks with, and only these: @inquirer/prompts also
 * has an editor prompt, whose code pages (iconv-lite, chardet) would be
 * half of the bundle and of the startup snapshot (dist/lvsh.blob), which
 * every lvsh start reads. Its packages declare no side effects, so the
 * bundler leaves the rest out.
 */
export { confirm, input, number, select } from "@inquirer/prompts";
