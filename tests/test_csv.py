"""barenn.csvdata: reading your own CSV files, and every bad file as one clear error."""

import math

import pytest

from barenn import csvdata
from barenn.csvdata import CsvError, Scaling, load_csv, predict_rows, read_columns


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode(encoding))
    return path


def test_string_labels_make_a_classifier_with_sorted_class_names(tmp_path):
    path = write(tmp_path, "sepal,petal,species\n1.0,2,setosa\n3,4.5,virginica\n5,6,setosa\n")
    data = load_csv(path)
    X, y, features, target, classes, task = data
    assert X == [[1.0, 2.0], [3.0, 4.5], [5.0, 6.0]]
    assert classes == ["setosa", "virginica"] and y == [0, 1, 0]
    assert features == ["sepal", "petal"] and target == "species" and task == "classification"
    assert data.X is X and "2 classes" in repr(data)


def test_integer_labels_are_classes_sorted_by_value(tmp_path):
    path = write(tmp_path, "a,label\n1,10\n2,2\n3,10\n4,2\n5,1\n")
    data = load_csv(path)
    assert data.classes == ["1", "2", "10"] and data.y == [2, 1, 2, 1, 0]


def test_many_distinct_numbers_make_a_regression_and_task_overrides(tmp_path):
    rows = "\n".join(f"{i},{i * 0.5 + 0.25}" for i in range(30))
    path = write(tmp_path, "x,y\n" + rows + "\n")
    data = load_csv(path)
    assert data.task == "regression" and data.classes is None
    assert data.y[3] == [1.75]
    ints = write(tmp_path, "x,y\n" + "\n".join(f"{i},{i % 3}" for i in range(9)), "i.csv")
    assert load_csv(ints).task == "classification"
    assert load_csv(ints, task="regression").task == "regression"


def test_target_by_name_anywhere(tmp_path):
    path = write(tmp_path, "label,a,b\nx,1,2\ny,3,4\n")
    data = load_csv(path, target="label")
    assert data.features == ["a", "b"] and data.X == [[1.0, 2.0], [3.0, 4.0]]


def test_robust_reading_bom_crlf_quotes_blank_lines_semicolons_tabs(tmp_path):
    path = write(tmp_path, b'\xef\xbb\xbf"width, cm",height,kind\r\n"1.5",2,"big, red"\r\n\r\n'
                           b'2.5, 3 ,small\r\n\r\n')
    data = load_csv(path)
    assert data.features == ["width, cm", "height"]
    assert data.X == [[1.5, 2.0], [2.5, 3.0]] and data.classes == ["big, red", "small"]
    semi = write(tmp_path, "a;b;c\n1;2;x\n3;4;y\n", "semi.csv")
    assert load_csv(semi).X == [[1.0, 2.0], [3.0, 4.0]]
    trailing = write(tmp_path, "a,b,c,\n1,2,x,\n3,4,y,\n", "trailing.csv")
    assert load_csv(trailing).features == ["a", "b"]
    tabs = write(tmp_path, "a\tb\tc\n1\t2\tx\n3\t4\ty\n", "tabs.tsv")
    assert load_csv(tabs).features == ["a", "b"]


@pytest.mark.parametrize("text, words", [
    ("", "is empty"),
    ("\n\n  \n", "is empty"),
    ("a,b,c\n", "no data rows"),
    ("a,b,c\n1,2,x\n3,4\n", "row 3: 2 fields, but the header (row 1) has 3"),
    ("a,b,c\n1,2,x\n3,4,5,6\n", "row 3: 4 fields"),
    ("a,b,c\n1,two,x\n3,4,y\n", "row 2, column 'b': 'two' is not a number"),
    ("a,b,c\n1,,x\n3,4,y\n", "row 2, column 'b': the cell is empty or missing"),
    ("a,b,c\n1,NaN,x\n3,4,y\n", "row 2, column 'b': the cell is empty or missing ('NaN')"),
    ("a,b,c\n1,NA,x\n3,4,y\n", "missing ('NA')"),
    ("a,b,c\n1,inf,x\n3,4,y\n", "row 2, column 'b': 'inf' is a number barenn cannot train on"),
    ("a,b,c\n1,1e400,x\n3,4,y\n", "cannot train on"),
    ("a;b;c\n1,5;2;x\n3;4;y\n", "row 2, column 'a': '1,5' has a comma inside a number"),
    ("a,b,c\n1,2,x\n3,4,\n", "row 3, column 'c': the target is empty or missing"),
    ("a,b,c\n1,2,x\n3,4,x\n", "column 'c': every row has the class 'x'"),
    ("a,b,c\n1,2,0.5\n3,4,0.5\n", "every target is 0.5; there is nothing to learn"),
    ("a,a,c\n1,2,x\n3,4,y\n", "two columns are named 'a'"),
    ("a,,c\n1,2,x\n3,4,y\n", "column 2 of the header has no name"),
    ("1,2,3\n4,5,6\n", "the first row holds only numbers; it must be a header"),
    ("5.1,3.5,1.4,Iris-setosa\n4.9,3.0,1.4,Iris-setosa\n", "the first row looks like data"),
    (",a,b\n0,1,x\n1,2,y\n", "column 1 of the header has no name; the first row must name every "
                               "column (an unnamed first column is often a row index"),
    ("only\n1\n2\n", "has one column ('only')"),
    ('a,b,c\n1,"2,x\n', "not valid CSV"),
])
def test_bad_files_name_the_file_row_and_column(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(CsvError) as info:
        load_csv(path)
    message = str(info.value)
    assert str(path) in message and words in message, message
    assert "\n" not in message


def test_files_that_are_not_text_or_not_there(tmp_path):
    binary = write(tmp_path, bytes(range(256)) * 4, "image.csv")
    with pytest.raises(CsvError, match="not a text file"):
        load_csv(binary)
    latin = write(tmp_path, "a,b,c\n1,2,caf\u00e9\n3,4,x\n", "latin.csv", encoding="latin-1")
    with pytest.raises(CsvError, match="not UTF-8 text"):
        load_csv(latin)
    with pytest.raises(CsvError, match="no such file"):
        load_csv(tmp_path / "missing.csv")
    with pytest.raises(CsvError, match="it is a folder"):
        load_csv(tmp_path)
    with pytest.raises(CsvError, match="has no column 'price'"):
        load_csv(write(tmp_path, "a,b\n1,x\n2,y\n"), target="price")


def test_regression_target_must_be_numbers(tmp_path):
    path = write(tmp_path, "a,b\n1,x\n2,y\n")
    with pytest.raises(CsvError, match="row 2, column 'b': 'x' is not a number"):
        load_csv(path, task="regression")


def test_argument_types():
    with pytest.raises(TypeError, match="load_csv: target must be a column name"):
        load_csv("x.csv", target=3)
    with pytest.raises(ValueError, match="load_csv: task must be one of"):
        load_csv("x.csv", task="clustering")


def test_read_columns_by_name_in_any_order(tmp_path):
    path = write(tmp_path, "extra,b,a\nq,2,1\nr,4,3\n")
    X, rows = read_columns(path, ["a", "b"])
    assert X == [[1.0, 2.0], [3.0, 4.0]] and rows == [2, 3]
    with pytest.raises(CsvError, match="has no column 'c'"):
        read_columns(path, ["a", "c"])


def test_scaling_standardizes_and_undoes():
    scaling = Scaling.fit([[1.0, 5.0], [3.0, 5.0]])
    assert scaling.mean == [2.0, 5.0] and scaling.std == [1.0, 1.0]  # a constant column: std 1
    assert scaling.apply([[3.0, 6.0]]) == [[1.0, 1.0]]
    assert scaling.undo(scaling.apply([[7.5, -2.0]])) == [[7.5, -2.0]]
    assert Scaling.from_dict(scaling.to_dict()).mean == scaling.mean
    with pytest.raises(ValueError, match="std must hold numbers > 0"):
        Scaling([0.0], [0.0])
    with pytest.raises(ValueError, match="finite numbers"):
        Scaling([math.nan], [1.0])


def test_a_model_keeps_its_preprocessing_through_save_and_load(tmp_path):
    from barenn.cli import build_network
    from barenn.network import Network

    net = build_network(2, 2, [4], "relu", "classification", "adam", None, 0.0, 0)
    scaling = Scaling([10.0, 0.0], [2.0, 1.0])
    net.preprocessing = csvdata.preprocessing(["a", "b"], scaling, "kind", ["no", "yes"])
    path = tmp_path / "m.json"
    net.save(path)
    loaded = Network.load(path)
    assert loaded.preprocessing == net.preprocessing
    rows = [[10.0, 1.0], [14.0, -3.0]]
    assert predict_rows(loaded, rows) == predict_rows(net, rows)
    assert set(predict_rows(loaded, rows)) <= {"no", "yes"}


def test_old_model_files_still_load(tmp_path):
    from barenn.cli import build_network
    from barenn.network import Network

    net = build_network(2, 3, [4], "relu", "classification", "adam", None, 0.0, 0)
    path = tmp_path / "old.json"
    net.save(path)
    loaded = Network.load(path)
    assert getattr(loaded, "preprocessing", None) is None
    assert predict_rows(loaded, [[0.5, 0.5]]) == net.predict_classes([[0.5, 0.5]])


@pytest.mark.parametrize("change, words", [
    (lambda r: r.update(features=["a"]), "features must be a list of 2 column names"),
    (lambda r: r["scaling"].update(std=[1.0, 0.0]), "std must hold numbers > 0"),
    (lambda r: r.update(classes=["only"]), "classes must be a list of 2 class names"),
    (lambda r: r.update(target=5), "target must be a column name"),
    (lambda r: r.update(scaling=[1, 2]), "scaling must be a dict"),
])
def test_a_tampered_preprocessing_record_is_refused(tmp_path, change, words):
    import json

    from barenn.cli import build_network
    from barenn.network import Network

    net = build_network(2, 2, [4], "relu", "classification", "adam", None, 0.0, 0)
    net.preprocessing = csvdata.preprocessing(["a", "b"], Scaling([0.0, 0.0], [1.0, 1.0]), "k",
                                              ["n", "y"])
    data = net.to_dict()
    change(data["preprocessing"])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=words):
        Network.load(path)
