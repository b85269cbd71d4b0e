// Images are decoded by the browser's own decoders, as <img> does: an SVG loaded as an image runs no script
// and fetches nothing (no external images, <use>, CSS imports or fonts), whatever it contains.

/** An SVG decoded as an image; `url` (a blob: URL) must be revoked by the caller. */
export async function decodeSvg(svg: Blob): Promise<{ image: HTMLImageElement; url: string }> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  const image = new Image();
  image.src = url;
  try {
    await image.decode();
  } catch (error) {
    URL.revokeObjectURL(url);
    throw error;
  }
  return { image, url };
}

/** Largest side, in pixels, of the picture an SVG is drawn to. */
const MAX_SIDE = 4_096;
/** Size for an SVG that declares none (no width, height or viewBox). */
const FALLBACK_SIDE = 1_024;

/**
 * The SVG drawn to a PNG at up to twice its size (at most 4,096 pixels a side), with the size to show it at
 * (the SVG's own), or undefined when the browser refuses (a tainted canvas). The viewer shows the PNG: no SVG document is ever reachable from the page, so
 * even "open image in a new tab" gets pixels, not markup.
 */
export async function rasterizeSvg(svg: Blob): Promise<{ png: Blob; width: number; height: number } | undefined> {
  const { image, url } = await decodeSvg(svg);
  try {
    const width = image.naturalWidth || FALLBACK_SIDE;
    const height = image.naturalHeight || FALLBACK_SIDE;
    const scale = Math.min(2, MAX_SIDE / width, MAX_SIDE / height);
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext('2d');
    if (context === null) return undefined;
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const png = await new Promise<Blob | null>((resolve) => {
      try {
        canvas.toBlob(resolve, 'image/png');
      } catch {
        resolve(null); // a tainted canvas (foreignObject) refuses to export
      }
    });
    return png === null
      ? undefined
      : { png, width: Math.round(canvas.width / scale), height: Math.round(canvas.height / scale) };
  } finally {
    URL.revokeObjectURL(url);
  }
}
