import { escapeHtml as e } from './escape.js';

/** The start of every self-contained page cowork-audit writes: CSP, no referrer, inline styles only. */
export function htmlHead(page: { csp: string; generator: string; title: string; css: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(page.csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${e(page.generator)}">
<title>${e(page.title)}</title>
<style>${page.css}</style>
</head>`;
}
