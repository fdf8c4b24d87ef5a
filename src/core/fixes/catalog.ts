// Rule ids with a safe automatic fix in src/core/fixes (they get `fixable: true` in the catalog, so
// reports can say "N fixable with --fix"). Pure data: the rule catalog imports it, no cycle.
// A unit test checks that every id here is claimed by a fixer.
export const FIXABLE_RULES: ReadonlySet<string> = new Set([
  'NRN101', 'NRN102', 'NRN104', 'NRN107', 'NRN108', 'NRN109', 'NRN151', 'NRN152', 'NRN153', 'NRN155', 'NRN158',
  'NRN201', 'NRN202', 'NRN203',
  'NRN251', 'NRN252', 'NRN253', 'NRN255', 'NRN256',
  'NRN301', 'NRN302', 'NRN303', 'NRN304', 'NRN305', 'NRN307', 'NRN308',
  'NRN409',
  'NRN553',
  'NRN601', 'NRN602', 'NRN603', 'NRN604',
  'NRN701', 'NRN702', 'NRN703',
  'NRN801', 'NRN802', 'NRN803', 'NRN804', 'NRN805', 'NRN806', 'NRN807', 'NRN808', 'NRN809', 'NRN810', 'NRN811', 'NRN814', 'NRN815', 'NRN816', 'NRN817', 'NRN820', 'NRN822',
]);
