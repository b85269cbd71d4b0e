import type { RecoveryKit } from '#vault';
import { m } from '$lib/i18n/messages.ts';
import { formatDate } from '$lib/format/format-date.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** The kit's QR code as an SVG data URL (qrcode loads on first use), or undefined if it cannot be drawn. */
export async function recoveryKitQrCode(kit: RecoveryKit): Promise<string | undefined> {
  try {
    const { default: QRCode } = await import('qrcode');
    const svg = await QRCode.toString(kit.qrPayload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  } catch {
    return undefined;
  }
}

/**
 * The recovery kit as a standalone HTML page to save and print: no script, no outside resource, the QR code
 * inline. Every value is escaped, though all of them come from the vault itself.
 */
export function recoveryKitDocument(kit: RecoveryKit, locale: string, qrCode: string | undefined): string {
  const created = formatDate(new Date(kit.createdAt * 1000), locale);
  const qr =
    qrCode === undefined
      ? ''
      : `<img src="${escapeHtml(qrCode)}" alt="${escapeHtml(m.kit_qr_alt())}" width="200" height="200">`;
  return `<!doctype html>
<html lang="${escapeHtml(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(m.kit_document_title())}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #111; line-height: 1.5; }
.secret { font-family: ui-monospace, monospace; font-size: 1.25rem; letter-spacing: 0.05em; padding: 0.75rem; border: 2px solid #111; border-radius: 6px; word-break: break-word; }
</style>
</head>
<body>
<h1>${escapeHtml(m.kit_document_title())}</h1>
<p>${escapeHtml(m.kit_document_intro())}</p>
<h2>${escapeHtml(m.kit_recovery_key_label())}</h2>
<p class="secret">${escapeHtml(kit.recoveryKeyText)}</p>
<h2>${escapeHtml(m.kit_vault_id_label())}</h2>
<p class="secret">${escapeHtml(kit.vaultIdText)}</p>
${qr}
<p>${escapeHtml(m.kit_created({ date: created }))}</p>
<h2>${escapeHtml(m.kit_document_how_title())}</h2>
<p>${escapeHtml(m.kit_document_how())}</p>
<p>${escapeHtml(m.kit_document_keep())}</p>
</body>
</html>
`;
}
