import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import './components.css';
import './responsive.css';

export const metadata: Metadata = {
  title: 'LoRA Bench',
  description: 'Blind A/B evaluation of LoRAs across strengths, seeds and prompts',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
