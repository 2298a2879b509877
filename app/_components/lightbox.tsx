'use client';

import { useEffect, useRef } from 'react';

/** One image of the Generation grid shown large: a 512 px version, its full-size PNG and what it is. */
export interface LightboxImage {
  src: string;
  full: string;
  label: string;
}
export type OpenImage = (image: LightboxImage) => void;

/**
 * The grid's lightbox: a modal `<dialog>` (the browser traps focus in it and closes it on Escape) with the image,
 * its label, a link to the full-size PNG and Close; focus returns to the thumbnail that opened it.
 */
export function Lightbox({ image, onClose }: { image: LightboxImage | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (image && !d.open) d.showModal();
    if (!image && d.open) d.close();
  }, [image]);
  return (
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label={image?.label ?? 'Image'}
      onClose={onClose}
      onClick={(e) => e.target === e.currentTarget && onClose()}
    >
      {image && (
        <figure>
          <img src={image.src} alt={image.label} />
          <figcaption>
            <span>{image.label}</span>
            <a href={image.full} target="_blank" rel="noreferrer">
              Full-size PNG
            </a>
            <button className="primary" onClick={onClose} autoFocus>
              Close
            </button>
          </figcaption>
        </figure>
      )}
    </dialog>
  );
}
