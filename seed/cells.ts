/**
 * Reads a 牵头部门 / 负责部门 cell as printed: units separated by 、 (measure 7 also uses ;
 * between 各区政府 and the list of departments), and a trailing 等 meaning "and others".
 */
export interface DepartmentCell {
  names: string[];
  openEnded: boolean;
}

const OPEN_ENDED_SUFFIX = '等';

export function parseDepartmentCell(cell: string | null): DepartmentCell {
  if (cell === null) return { names: [], openEnded: false };
  const openEnded = cell.endsWith(OPEN_ENDED_SUFFIX);
  const body = openEnded ? cell.slice(0, -OPEN_ENDED_SUFFIX.length) : cell;
  return { names: body.split(/[、;]/).map((name) => name.trim()), openEnded };
}
