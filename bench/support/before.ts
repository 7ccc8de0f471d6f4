// Headline figures of the run before the fixes in BENCHMARKS.md ("Before/after the fixes"), copied
// from the `bench-figures` comment at the end of the BENCHMARKS.md that run wrote. Keys as in `Figures`.
import type { Figures } from './figures';

export const BEFORE: { readonly label: string; readonly figures: Figures } | undefined = {
  label: 'the run of 2026-11-21T16:01Z on the same machine, lib at ee8e462 (before the ip-num and Pulumi fixes)',
  figures: {
    'cdk8s construct/bare 3×3 DNS chain': 1.318,
    'cdk8s plan ms 3×3 DNS chain': 6.121,
    'cdk8s construct/bare 3×3 per-pod LBs': 1.382,
    'cdk8s plan ms 3×3 per-pod LBs': 3.436,
    'cdk8s construct/bare 5×10 DNS chain': 1.14,
    'cdk8s plan ms 5×10 DNS chain': 5.005,
    'cdk8s construct/bare 5×10 per-pod LBs': 1.17,
    'cdk8s plan ms 5×10 per-pod LBs': 3.902,
    'cdk8s construct/bare 10×100 DNS chain': 1.159,
    'cdk8s plan ms 10×100 DNS chain': 13.309,
    'cdk8s construct/bare 10×100 per-pod LBs': 1.322,
    'cdk8s plan ms 10×100 per-pod LBs': 22.749,
    'cdk8s scaling 10×100/10×10 DNS chain': 1.154,
    'cdk8s scaling 10×100/10×10 per-pod LBs': 2.648,
    'Pulumi component/baseline 3×3 DNS chain': 1.521,
    'Pulumi component/baseline 3×3 per-pod LBs': 1.476,
    'Pulumi component/baseline 5×10 DNS chain': 1.63,
    'Pulumi component/baseline 5×10 per-pod LBs': 1.19,
    'Pulumi component/baseline 10×100 DNS chain': 1.407,
    'Pulumi component/baseline 10×100 per-pod LBs': 1.812,
  },
};

/**
 * The same figures from a run on a copy of the repository with fixes A–D applied (2026-11-21T16:08Z,
 * same machine, noisier load): what the before/after section shows until the fixes are in lib/.
 */
export const PROJECTED: { readonly label: string; readonly figures: Figures } = {
  label: 'a copy of the repository with the patch for fixes A–D applied, run 2026-11-21T16:08Z on the same machine',
  figures: {
    'cdk8s construct/bare 3×3 DNS chain': 1.155,
    'cdk8s plan ms 3×3 DNS chain': 1.123,
    'cdk8s construct/bare 3×3 per-pod LBs': 1.035,
    'cdk8s plan ms 3×3 per-pod LBs': 0.748,
    'cdk8s construct/bare 5×10 DNS chain': 1.364,
    'cdk8s plan ms 5×10 DNS chain': 4.555,
    'cdk8s construct/bare 5×10 per-pod LBs': 1.109,
    'cdk8s plan ms 5×10 per-pod LBs': 5.637,
    'cdk8s construct/bare 10×100 DNS chain': 1.227,
    'cdk8s plan ms 10×100 DNS chain': 5.126,
    'cdk8s construct/bare 10×100 per-pod LBs': 0.8,
    'cdk8s plan ms 10×100 per-pod LBs': 15.467,
    'cdk8s scaling 10×100/10×10 DNS chain': 3.177,
    'cdk8s scaling 10×100/10×10 per-pod LBs': 2.786,
    'Pulumi component/baseline 3×3 DNS chain': 1.151,
    'Pulumi component/baseline 3×3 per-pod LBs': 1.574,
    'Pulumi component/baseline 5×10 DNS chain': 1.288,
    'Pulumi component/baseline 5×10 per-pod LBs': 1.374,
    'Pulumi component/baseline 10×100 DNS chain': 1.563,
    'Pulumi component/baseline 10×100 per-pod LBs': 1.368,
  },
};
