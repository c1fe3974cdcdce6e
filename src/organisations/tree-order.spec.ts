import { Organisation } from './organisation.entity';
import { sortAsTree } from './organisations.service';

const org = (id: number, name: string, parentId: number | null) => ({ id, name, parentId }) as Organisation;

describe('organisations in tree order', () => {
  it('puts each parent before its children, siblings by name', () => {
    const ordered = sortAsTree([org(3, 'Rugby', 1), org(1, 'Partnership', null), org(4, 'Adults', 2), org(2, 'County', 1), org(5, 'Children', 2)]);
    expect(ordered.map((o) => o.name)).toEqual(['Partnership', 'County', 'Adults', 'Children', 'Rugby']);
  });

  it('treats an organisation whose parent is not in the list as a top level one (a scoped user sees a subtree)', () => {
    const ordered = sortAsTree([org(4, 'Adults', 2), org(2, 'County', 1)]);
    expect(ordered.map((o) => o.name)).toEqual(['County', 'Adults']);
  });
});
