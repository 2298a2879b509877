/**
 * The HTML export's only style sheet, inlined into its <head>: the class names of the shared report components
 * (the app styles the same ones in app/globals.css), plus the export's own header, Setup and footer. No url(), no
 * @import, no fonts to fetch.
 */
export const EXPORT_CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:24px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid #dde1e8}
h3{font-size:13px;margin:0 0 4px}
.muted{color:#6b7385}
.small{font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;background:#f1f3f5;padding:1px 4px;border-radius:3px;word-break:break-all}
.banner{padding:10px 14px;border-radius:8px;background:#e7f5ff;border:1px solid #a5d8ff;color:#1864ab}
.recommendation{font-size:15px;padding:12px 16px;border-radius:8px;background:#f3f0ff;border:1px solid #d0bfff}
.recommendation p{margin:4px 0 0}
.warn{color:#c92a2a}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:16px}
.chart{border:1px solid #dde1e8;border-radius:8px;padding:8px}
.chart svg{display:block;max-width:100%;height:auto}
table.stats caption{caption-side:top;text-align:left;font-weight:600;padding:4px 0}
.table-scroll{max-width:100%;overflow-x:auto}
table.stats{border-collapse:collapse;width:100%;margin:6px 0 4px;font-size:13px}
table.stats th,table.stats td{border-bottom:1px solid #dde1e8;padding:5px 8px;text-align:right;vertical-align:top;white-space:nowrap}
table.stats th:first-child,table.stats td:first-child{text-align:left}
table.stats thead th{background:#f8f9fa;white-space:normal}
table.stats .text{text-align:left;white-space:pre-wrap;word-break:break-word;min-width:240px}
tr.pooled th,tr.pooled td{font-weight:600;background:#fbfaff}
.reveal{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.reveal-item{border:1px solid #dde1e8;border-radius:8px;padding:8px;font-size:12px;break-inside:avoid;page-break-inside:avoid}
.reveal-item .prompt{margin:4px 0 6px;overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;word-break:break-word}
.reveal-item .imgs{display:grid;grid-template-columns:1fr 1fr;gap:4px}
.reveal-item figure{margin:0;text-align:center}
.reveal-item img,.reveal-item .missing{display:block;margin:0 auto;max-width:128px;width:100%;border-radius:4px}
.reveal-item .missing{height:96px;line-height:96px;background:#f1f3f5;color:#868e96;font-size:11px}
.reveal-item figcaption{margin-top:4px}
.reveal-item .verdicts{margin-top:6px}
.tag{display:inline-block;padding:0 6px;border-radius:4px;font-size:11px;font-weight:700;color:#fff}
.tag.lora{background:#7048e8}
.tag.baseline{background:#5c636a}
dl.setup{margin:0}
dl.setup div{display:grid;grid-template-columns:160px 1fr;gap:16px;padding:2px 0}
dl.setup dt{color:#6b7385}
dl.setup dd{margin:0;word-break:break-word}
ol.prompts{margin:0;padding-left:20px}
ol.prompts li{margin-bottom:4px;white-space:pre-wrap;word-break:break-word}
.notes{white-space:pre-wrap;word-break:break-word;background:#f8f9fa;border-radius:6px;padding:8px 12px}
footer{margin-top:32px;font-size:12px;color:#5c636a}
@media print{body{padding:0}.chart{border:none}}
`;
