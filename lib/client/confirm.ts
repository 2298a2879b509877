/** Asks before unsaved Setup edits are dropped by switching session; true when there are none or the user agrees. */
export function confirmDropEdits(dirty: boolean): boolean {
  return !dirty || window.confirm('Setup has unsaved edits. Drop them and switch session?');
}
