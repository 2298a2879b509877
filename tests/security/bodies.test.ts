import { inProcess } from '../helpers/api-suite';
import { bodiesSuite } from './suites/bodies';

bodiesSuite(inProcess());
