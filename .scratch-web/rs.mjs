import { Resvg } from "@resvg/resvg-js";
import { writeFileSync } from "node:fs";
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200"><rect width="400" height="200" fill="#fff"/>
<defs><pattern id="h" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#c00"/><rect width="3" height="8" fill="#fff" fill-opacity="0.5"/></pattern></defs>
<rect x="10" y="120" width="380" height="60" fill="url(#h)"/>
<text x="10" y="30" font-family="DejaVu Sans" font-size="20">WhatsApp in China Китай</text>
<text x="10" y="60" font-family="DejaVu Sans, WenQuanYi Micro Hei" font-size="20">微信在中国 被封 繁體</text>
<text x="390" y="90" font-family="DejaVu Sans" font-size="20" text-anchor="end" direction="rtl">واتساپ در چین: فیلتر شده</text>
</svg>`;
const t=Date.now();
const r = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" }, fitTo: { mode: "width", value: 800 } });
const png = r.render().asPng();
console.log(Date.now()-t, png.length);
writeFileSync("/tmp/rs.png", png);
