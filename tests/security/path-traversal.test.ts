import { inProcess } from '../helpers/api-suite';
import { traversalSuite } from './suites/traversal';

traversalSuite(inProcess());
