#!/bin/sh
# Packs what the GPU machine needs into .gpu/ (git-ignored via .git/info/exclude):
# the test runner and the bench as single bundles, the webgpu package (linux-x64
# only), the Vulkan loader, SwiftShader, and node itself (xz-compressed).
# On the GPU machine (an NVIDIA driver but no GL/Vulkan loader libraries; the
# .deb files of libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2
# carried in .gl/ and unpacked with dpkg -x):
#   xz -dc .gpu/node.xz > /tmp/node && chmod +x /tmp/node && export PATH=/tmp:$PATH
#   export VK_ICD_FILENAMES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json VK_DRIVER_FILES=$VK_ICD_FILENAMES
#   cd .gpu && node tests.mjs && node bench.mjs --json > bench.json
# and here: npx tsx bench/kernels-webgpu.ts --from-json bench.json --write-readme
set -e
cd "$(dirname "$0")/../../.."
rm -rf .gpu && mkdir -p .gpu/node_modules/webgpu/dist/linux-x64 .gpu/lib .gpu/swiftshader
common="--bundle --platform=node --format=esm --target=node20 --external:webgpu --log-level=warning"
npx esbuild test/webgpu/device/run-all.ts $common --alias:vitest=./test/webgpu/device/vitest-shim.ts --outfile=.gpu/tests.mjs
npx esbuild bench/kernels-webgpu.ts $common --outfile=.gpu/bench.mjs
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .gpu/node_modules/webgpu/
cp node_modules/webgpu/dist/linux-x64/dawn.node .gpu/node_modules/webgpu/dist/linux-x64/
cp -L /usr/lib/x86_64-linux-gnu/libvulkan.so.1 .gpu/lib/
cp /usr/lib/chromium/libvk_swiftshader.so /usr/lib/chromium/vk_swiftshader_icd.json .gpu/swiftshader/
xz -T2 -6 -c "$(command -v node)" > .gpu/node.xz
du -sh .gpu
