/** @type {import('next').NextConfig} */
const nextConfig = {
  // ws has optional native add-ons that must not be bundled; sharp is native too.
  serverExternalPackages: ['ws', 'sharp'],
};

export default nextConfig;
