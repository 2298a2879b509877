import { inProcess } from '../helpers/api-suite';
import { damagedSuite } from './suites/damaged';

damagedSuite(inProcess());
