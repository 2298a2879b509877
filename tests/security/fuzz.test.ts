import { inProcess } from '../helpers/api-suite';
import { fuzzSuite } from './suites/fuzz';

fuzzSuite(inProcess());
