// Compiles messages/*.json into web/lib/paraglide/ (gitignored) so type checks work on a fresh clone.
import { compile } from '@inlang/paraglide-js';
import { paraglideOptions } from '../i18n.config.js';

await compile(paraglideOptions);
