/** The Markdown files the docs tests read, relative to the repository root. */

const root = new URL("..", import.meta.url).pathname;

/** README.md, docs/*.md and bench/*.md, relative to the repository root, sorted. */
export function markdownFiles(): string[] {
  const files = ["README.md"];
  for (const dir of ["docs", "bench"]) {
    for (const entry of Deno.readDirSync(`${root}${dir}`)) {
      if (entry.isFile && entry.name.endsWith(".md")) files.push(`${dir}/${entry.name}`);
    }
  }
  return files.sort();
}
