/**
 * Rows of RFC 4180 CSV: fields separated by commas, optionally quoted with `"` (a quote inside is
 * doubled), quoted fields may span lines. `line` is the 1-based line each row starts on.
 */
export function* csvRows(text: string): Iterable<{ line: number; fields: string[] }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            field += text.slice(i);
            i = text.length;
            break;
          }
          field += text.slice(i, q);
          if (text[q + 1] === '"') {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        for (const ch of field) if (ch === '\n') line++;
        // Anything between the closing quote and the separator is kept, as lenient readers do.
        while (i < text.length && text[i] !== ',' && text[i] !== '\n') field += text[i++];
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n') field += text[i++];
      }
      fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      i++; // the newline (or past the end)
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    yield { line: startLine, fields };
  }
}
