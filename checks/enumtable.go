package checks

// Every enum of this package has one table of rows; these read a table.

// column is one field of every row of table, in table order (e.g. the enum's values).
func column[Row, V any](table []Row, field func(Row) V) []V {
	out := make([]V, len(table))
	for i, row := range table {
		out[i] = field(row)
	}
	return out
}

// rowOf is the row of table whose key is k; false when there is none.
func rowOf[Row any, K comparable](table []Row, key func(Row) K, k K) (Row, bool) {
	for _, row := range table {
		if key(row) == k {
			return row, true
		}
	}
	var none Row
	return none, false
}
