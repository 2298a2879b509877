import { inProcess } from '../helpers/api-suite';
import { symlinksSuite } from './suites/symlinks';

symlinksSuite(inProcess());
